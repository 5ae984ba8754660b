/**
 * Near-duplicates (issue 13): pHash throughput on the folder bench's images against raw sharp
 * decoding of the same files in the same run, and `POST /duplicates` grouping at the folder
 * bench's size (100k items). Times are wall and process CPU (process.cpuUsage counts sharp's
 * threads too): the machine is shared, so CPU time is the steadier figure.
 *
 * The folder bench's 100k files are hard links of 12 images: hashing them all would measure the
 * same 12 decodes 8,000 times and group them into 12 heaps. So the grouping runs in process on
 * 100k items of that tree's shape (200 folders) whose hashes are random, 10% of them near copies
 * of another (1 to 8 bits flipped), loaded through the hash store as a restart loads them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Catalog } from '../src/server/catalog/catalog.js';
import { DuplicatesService } from '../src/server/duplicates/duplicates-service.js';
import { PerceptualHashes } from '../src/server/duplicates/perceptual-hashes.js';
import { PhashStore, type StoredHash } from '../src/server/duplicates/phash-store.js';
import { NO_LABELS } from '../src/server/labels/label-lookup.js';
import { hashImage } from '../src/server/media/thumbnailer.js';
import { ensureTree, TREE } from './folder-bench.js';

const ROUNDS = Number(process.env.PHASH_ROUNDS ?? 5);
const ITEMS = Number(process.env.PHASH_ITEMS ?? 100_000);
const SPEC = { size: 256, quality: 70 };

export async function run(): Promise<void> {
  await throughput();
  await grouping();
}

async function throughput(): Promise<void> {
  const describe = await ensureTree();
  const dir = join(TREE, '.originals');
  const files = readdirSync(dir).map((f) => join(dir, f));
  console.log(`pHash vs decode: ${files.length} files of the folder bench (${describe}), ${ROUNDS} rounds, one at a time as the background pass runs`);
  // Warm sharp and the page cache first: neither side should pay for loading libvips.
  for (const f of files) await sharp(f).raw().toBuffer();
  const decode = await timed(() => each(files, (f) => sharp(f).raw().toBuffer()));
  const phash = await timed(() => each(files, (f) => hashImage(f, SPEC)));
  const n = files.length * ROUNDS;
  const rate = (t: Timing) => ((n * 1000) / t.cpuMs).toFixed(1);
  console.log(`  raw sharp decode (full size, raw pixels): ${n} in ${t(decode)} → ${rate(decode)} images per CPU-second`);
  console.log(`  pHash (decode with shrink-on-load to the thumbnail size, grey 32×32, DCT): ${n} in ${t(phash)} → ${rate(phash)} images per CPU-second`);
  console.log(`  ratio pHash / raw decode throughput (CPU): ${(decode.cpuMs / phash.cpuMs).toFixed(2)}× (wall ${(decode.wallMs / phash.wallMs).toFixed(2)}×)`);

  async function each(list: string[], work: (file: string) => Promise<unknown>): Promise<void> {
    for (let r = 0; r < ROUNDS; r++) for (const f of list) await work(f);
  }
}

async function grouping(): Promise<void> {
  const catalog = new Catalog();
  const rows: StoredHash[] = [];
  const random32 = () => (Math.random() * 2 ** 32) >>> 0;
  const hashes: bigint[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const folder = `/set${String(Math.floor(i / 5000)).padStart(2, '0')}/batch${String(Math.floor(i / 500) % 10).padStart(2, '0')}`;
    const path = `${folder}/img_${String(i).padStart(6, '0')}.jpg`;
    let hash = (BigInt(random32()) << 32n) | BigInt(random32());
    if (i % 10 === 9) {
      hash = hashes[Math.floor(Math.random() * i)]!;
      const flips = 1 + Math.floor(Math.random() * 8);
      for (let f = 0; f < flips; f++) hash ^= 1n << BigInt(Math.floor(Math.random() * 64));
    }
    hashes.push(hash);
    const size = 50_000 + (i % 977) * 300;
    catalog.upsert({ path, type: 'image/jpeg', w: 1600, h: 1200, size, addedMs: 1_700_000_000_000 + i });
    rows.push({ path, size, mtimeMs: 1_700_000_000_000 + i, phash: hash });
  }
  const store = new PhashStore(null);
  store.putMany(rows);
  const phashes = new PerceptualHashes({ source: { catalog, openItem: async () => Promise.reject(new Error('not read in the bench')) }, store, hash: async () => 0n });
  const load = await timed(async () => phashes.start());
  console.log(`\nPOST /duplicates at ${ITEMS.toLocaleString('en-US')} items (200 folders; 10% near copies of another): hashes loaded from the store in ${t(load)}`);
  const service = new DuplicatesService({ catalog, hashes: phashes, labels: NO_LABELS, indexing: () => false });
  for (const maxDistance of [8, 12, 16]) {
    let groups = 0;
    let bytes = 0;
    const cold = await timed(async () => {
      const answer = await service.find({ path: '/', recursive: true, max_distance: maxDistance });
      groups = answer.groups.length;
      bytes = JSON.stringify(answer).length;
    });
    const warm = await timed(async () => JSON.stringify(await service.find({ path: '/', recursive: true, max_distance: maxDistance })));
    console.log(`  max_distance ${maxDistance}: ${groups} groups, ${(bytes / 1e6).toFixed(1)} MB of JSON; first answer ${t(cold)}, asked again (cached groups) ${t(warm)}`);
  }
  const folder = await timed(async () => service.find({ path: '/set03', recursive: true }));
  console.log(`  one top folder (5,000 items), default distance: ${t(folder)}`);
  await phashes.close();
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed(work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function t(timing: Timing): string {
  return `${timing.wallMs.toFixed(0)} ms wall / ${timing.cpuMs.toFixed(0)} ms CPU`;
}
