/**
 * `npm run bench [-- name…]`: runs the bench modules in order (all of them by default).
 * Each module exports `run(): Promise<unknown>` and prints its own figures. Add one line per bench.
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<unknown> }>> = {
  folder: () => import('./folder-bench.js'),
  collab: () => import('./collab-bench.js'),
  labels: () => import('./labels-bench.js'),
  table: () => import('./table-bench.js'),
  table10m: async () => {
    const bench = await import('./table-bench.js');
    return { run: () => bench.run(10_000_000) };
  },
  'table-engines': () => import('./table-engines-bench.js'),
  orders: () => import('./order-bench.js'),
  query: () => import('./query-bench.js'),
  hostile: () => import('./hostile-bench.js'),
  watch: () => import('./watch-bench.js'),
  identity: () => import('./identity-bench.js'),
  pg: () => import('./pg-bench.js'),
  stats: () => import('./stats-bench.js'),
  activity: () => import('./activity-bench.js'),
  phash: () => import('./phash-bench.js'),
  compare: () => import('./compare-bench.js'),
  advance: () => import('./advance-bench.js'),
  similar: () => import('./embedding-bench.js'),
  'duplicates-cosine': () => import('./cosine-groups-bench.js'),
  'scope-scan': () => import('./scope-scan-bench.js'),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (have: ${Object.keys(BENCHES).join(', ')})`);
  process.exit(1);
}
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) {
  console.log(`\n## bench: ${name}`);
  const started = Date.now();
  await (await BENCHES[name]!()).run();
  console.log(`(${name} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
