/**
 * Walks a folder tree on a worker thread. Sync fs calls are the fast path for 100k small
 * files (no promise per syscall) and, off the main thread, they never stall requests.
 * Phase 1 posts names + stat in batches; phase 2 reads each file's first bytes for its
 * dimensions. What is listed, and where, is visible-tree.ts's rule: hidden entries, the
 * workspace and links leading out of the root are skipped, and each folder is walked once.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { mimeForName } from '../media/formats.js';
import { MAX_PREFIX, probeFileSync } from './scan-probe.js';
import type { ScanMessage, ScanRequest } from './scan-protocol.js';
import { folderKey, followLink, inTree, resolveVisibleFolder, type TreeBounds } from './visible-tree.js';

const BATCH = 1000;

function run(request: ScanRequest): void {
  const port = parentPort!;
  const bounds: TreeBounds = { rootReal: request.rootReal, skipReal: request.skipReal };
  const claimed = new Map(request.claims ?? []);
  // Folders walked in this run or listed elsewhere: a folder reached a second time is skipped.
  const seen = new Set(claimed.keys());
  const claims: [string, string][] = [];
  const files: { real: string; path: string }[] = [];
  let entries: (string | number)[] = [];
  const flushEntries = () => {
    if (entries.length) port.postMessage({ type: 'entries', entries } satisfies ScanMessage);
    entries = [];
  };

  const startReal = resolveVisibleFolder(bounds, request.start, claimed);
  if (startReal === undefined) {
    port.postMessage({ type: 'scanned', total: 0, missing: true } satisfies ScanMessage);
    port.postMessage({ type: 'done' } satisfies ScanMessage);
    return;
  }
  const stack: { real: string; path: string }[] = [{ real: startReal, path: request.start }];
  while (stack.length) {
    const dir = stack.pop()!;
    let dirents: Dirent[];
    let key: string;
    try {
      key = folderKey(statSync(dir.real, { bigint: true }));
      dirents = readdirSync(dir.real, { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skip it, keep the rest
    }
    // A bind mount or a followed link can reach a folder twice; a claimed folder is where its claim says.
    if (seen.has(key) && claimed.get(key) !== dir.path) continue;
    seen.add(key);
    // Sorted, so which of two links to one hidden folder is listed does not depend on the file system.
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const name = dirent.name;
      if (name.startsWith('.')) continue;
      const path = dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
      const real = join(dir.real, name);
      if (dirent.isDirectory()) {
        if (inTree(bounds, real)) stack.push({ real, path });
        continue;
      }
      const type = mimeForName(name);
      if (dirent.isSymbolicLink()) {
        const target = followLink(bounds, real);
        if (!target) continue;
        if (target.dir) {
          if (seen.has(target.key)) continue;
          seen.add(target.key);
          claims.push([target.key, path]);
          // Entered below under its own key, which `seen` now holds: let the claim pass it.
          claimed.set(target.key, path);
          stack.push({ real: target.real, path });
          continue;
        }
        if (!type) continue;
        entries.push(path, type, target.size, target.mtimeMs);
        files.push({ real: target.real, path });
      } else {
        if (!type || !dirent.isFile()) continue;
        try {
          const stat = statSync(real);
          entries.push(path, type, stat.size, stat.mtimeMs);
          files.push({ real, path });
        } catch {
          continue;
        }
      }
      if (entries.length >= BATCH * 4) flushEntries();
    }
  }
  flushEntries();
  port.postMessage({ type: 'scanned', total: files.length, missing: false, claims } satisfies ScanMessage);

  let dims: (string | number)[] = [];
  const buffer = Buffer.allocUnsafe(MAX_PREFIX);
  for (const file of files) {
    const found = probeFileSync(file.real, buffer);
    dims.push(file.path, found?.w ?? 0, found?.h ?? 0);
    if (dims.length >= BATCH * 3) {
      port.postMessage({ type: 'dims', dims } satisfies ScanMessage);
      dims = [];
    }
  }
  if (dims.length) port.postMessage({ type: 'dims', dims } satisfies ScanMessage);
  port.postMessage({ type: 'done' } satisfies ScanMessage);
}

run(workerData as ScanRequest);
