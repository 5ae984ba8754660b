/**
 * `npm run bench -- orders`: CPU time of the first build of each whole-catalog order (name,
 * added, a metric, random) in process, over synthetic catalogs of ORDER_ROWS ids (default 1M;
 * `ORDER_ROWS=10000000` for the 10M target). Two name sets: the bench table's even digit runs
 * (`shard_0042/img_0001234.jpg`, inserted shuffled) and uneven ones (unpadded numbers, mixed
 * case, a few non-ASCII names, repeated names in several folders). `ORDER_SRC` points the import
 * at another copy of src/server/query (a before/after comparison in one sitting).
 */
import { cpuUsage, memoryUsage } from 'node:process';
import { pathToFileURL } from 'node:url';

interface Book {
  order(key: string, seed: number): { order: Int32Array; valid: number };
  prepare?(sort: { key: string }): Promise<void>;
}

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

function names(rows: number, kind: 'even' | 'uneven'): string[] {
  const rand = rng(kind === 'even' ? 7 : 11);
  const perm = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const out = new Array<string>(rows);
  const stems = ['IMG_', 'img ', 'photo-', 'Scan', 'frame_', 'Ωmega_', 'DSC'];
  for (let k = 0; k < rows; k++) {
    const i = perm[k]!;
    if (kind === 'even') out[k] = `/shard_${String(i % 1000).padStart(4, '0')}/img_${String(i).padStart(7, '0')}.jpg`;
    else {
      const stem = stems[i % stems.length]!;
      const n = Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 7)));
      const take = i % 5 === 0 ? `_${Math.floor(rand() * 100)}` : '';
      out[k] = `/set${i % 97}/${stem}${n}${take}.${i % 3 ? 'jpg' : 'JPG'}`;
    }
  }
  return JSON.parse(JSON.stringify(out)) as string[]; // flat strings, as decoded ones are
}

function catalogOf(paths: string[]) {
  const size = paths.length;
  const rand = rng(3);
  const added = new Float64Array(size);
  const metric = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    added[i] = 1.7e12 + Math.floor(rand() * 365 * 86400_000);
    metric[i] = rand() < 0.05 ? NaN : rand();
  }
  return {
    size,
    aliveCount: size,
    alive: new Uint8Array(size).fill(1),
    generation: 1,
    metricsGeneration: 1,
    paths,
    added,
    metrics: new Map([['m', metric]]),
    nameOf: (id: number) => paths[id]!.slice(paths[id]!.lastIndexOf('/') + 1),
  };
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = cpuUsage(from);
  return (d.user + d.system) / 1000;
};

export async function run(): Promise<void> {
  const rows = Number(process.env.ORDER_ROWS ?? 1_000_000);
  const src = process.env.ORDER_SRC ?? new URL('../src/server/query', import.meta.url).pathname;
  const { OrderBook } = (await import(pathToFileURL(`${src}/order-book.ts`).href)) as { OrderBook: new (catalog: unknown) => Book };
  console.log(`orders over ${rows.toLocaleString('en-US')} ids from ${src}, load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`);
  for (const kind of ['even', 'uneven'] as const) {
    const catalog = catalogOf(names(rows, kind));
    const book = new OrderBook(catalog);
    const figures: string[] = [];
    for (const [key, seed] of [['name', 0], ['added', 0], ['metric:m', 0], ['random', 7]] as const) {
      const from = cpuUsage();
      const t = performance.now();
      let longest = 0;
      if (book.prepare) {
        // CPU between two timer turns, not wall time: other processes on a shared machine stretch wall gaps.
        let last = cpuUsage();
        const timer = setInterval(() => {
          longest = Math.max(longest, cpuMs(last));
          last = cpuUsage();
        }, 1);
        await book.prepare({ key });
        await new Promise((resolve) => setTimeout(resolve, 2)); // lets the timer see a stall that ended the build
        clearInterval(timer);
      }
      const sync = cpuUsage();
      const order = book.order(key, seed);
      longest = Math.max(longest, cpuMs(sync));
      figures.push(`${key} ${cpuMs(from).toFixed(0)} ms CPU (${(performance.now() - t).toFixed(0)} wall, longest CPU between loop turns ${longest.toFixed(0)}, ${order.order.length === rows ? 'ok' : 'SHORT'})`);
    }
    console.log(`${kind}: ${figures.join('; ')}; RSS ${(memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await run();
