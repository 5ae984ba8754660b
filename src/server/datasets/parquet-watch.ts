import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WatchStatus } from './dataset-source.js';

/**
 * Notices a table file being rewritten (in place or by an atomic rename) and calls `onStable` once
 * the writer is done: size and mtime unchanged for `settleMs` and a complete Parquet footer. The
 * folder is watched with @parcel/watcher with every entry but the file ignored, so a table beside
 * 100k images costs one inotify watch, not one per subfolder.
 */
export interface TableFileWatchOptions {
  log: (line: string) => void;
  /** Period of the fallback stat polling when the folder cannot be watched. */
  rescanMs?: number;
  settleMs?: number;
  pollMs?: number;
}

export interface TableFileWatch {
  status: WatchStatus;
  stop(): Promise<void>;
}

/** The identity of one version of the file: any write or rename moves one of these. */
export type FileSignature = string;

export async function signatureOf(file: string): Promise<FileSignature | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? `${info.ino}:${info.size}:${info.mtimeMs}` : undefined;
}

/** Whether the file starts and ends with Parquet's magic and its footer fits: written to the end. */
export async function hasParquetFooter(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size < 12) return false;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(8);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 8, size - 8);
    const magic = (b: Buffer, at: number) => b.toString('latin1', at, at + 4) === 'PAR1';
    return magic(head, 0) && magic(tail, 4) && tail.readUInt32LE(0) + 12 <= size;
  } finally {
    await handle.close();
  }
}

const DEFAULT_RESCAN_MS = 30_000;
/** A file gone for this long after an event (deleted, not renamed over) ends the wait until the next event. */
const GONE_MS = 10_000;

export async function watchTableFile(
  file: string,
  loadedSignature: () => FileSignature | undefined,
  onStable: () => void,
  options: TableFileWatchOptions,
): Promise<TableFileWatch> {
  const settleMs = options.settleMs ?? 300;
  const pollMs = options.pollMs ?? 100;
  let stopped = false;
  let settling: NodeJS.Timeout | undefined;
  let last: { signature: FileSignature | undefined; since: number; started: number } | undefined;

  const settle = async (): Promise<void> => {
    settling = undefined;
    if (stopped || !last) return;
    const signature = await signatureOf(file);
    const now = Date.now();
    if (signature !== last.signature) last = { signature, since: now, started: last.started };
    else if (signature === undefined && now - last.started > GONE_MS) {
      last = undefined;
      return;
    } else if (signature !== undefined && now - last.since >= settleMs) {
      last = undefined;
      if (signature === loadedSignature()) return;
      if (await hasParquetFooter(file)) onStable();
      else options.log(`table file ${path.basename(file)} is not a complete Parquet file; serving the previous version until it changes again`);
      return;
    }
    settling = setTimeout(() => void settle(), pollMs);
  };
  const changed = (): void => {
    if (stopped) return;
    const now = Date.now();
    last = { signature: last?.signature, since: now, started: last?.started ?? now };
    settling ??= setTimeout(() => void settle(), pollMs);
  };

  const name = path.basename(file);
  try {
    // Parcel's native module loads here, once the server is up, not at start.
    const { default: watcher } = await import('@parcel/watcher');
    const subscription = await watcher.subscribe(
      path.dirname(file),
      (error, events) => {
        if (error) return; // the next event, or the fallback of a restart, covers it
        if (events.some((e) => e.path === file)) changed();
      },
      // Everything but the table file itself: ignored folders are not even walked or watched.
      { ignore: [new RegExp(`^(?!${escapeRegExp(name)}$)`)] },
    );
    // Rewritten before the subscription (while the table loaded): no event will tell.
    if ((await signatureOf(file)) !== loadedSignature()) changed();
    return {
      status: { kind: 'watching' },
      stop: async () => {
        stopped = true;
        if (settling) clearTimeout(settling);
        await subscription.unsubscribe();
      },
    };
  } catch (error) {
    const reason = (error as Error).message;
    const every = options.rescanMs ?? DEFAULT_RESCAN_MS;
    options.log(`cannot watch the table file (${reason}); checking it every ${every / 1000} s instead`);
    const timer = setInterval(() => {
      void signatureOf(file).then((signature) => {
        // Not while settling: calling `changed` again would restart the wait for a stable file.
        if (!last && signature !== undefined && signature !== loadedSignature()) changed();
      });
    }, every);
    timer.unref();
    return {
      status: { kind: 'rescanning', reason },
      stop: async () => {
        stopped = true;
        clearInterval(timer);
        if (settling) clearTimeout(settling);
      },
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
