import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Dimensions, probeDimensions } from '../media/image-header.js';

/** How much of a file's head to read, growing only for formats that keep their size further in. */
const PREFIXES = [16 * 1024, 256 * 1024, 4 * 1024 * 1024];
export const MAX_PREFIX = PREFIXES[PREFIXES.length - 1]!;

/** Dimensions from a file's first bytes (the scan worker's phase 2); null when unreadable. `buffer` ≥ MAX_PREFIX. */
export function probeFileSync(real: string, buffer: Buffer): Dimensions | null {
  let fd: number | undefined;
  try {
    fd = openSync(real, 'r');
    for (const prefix of PREFIXES) {
      const read = readSync(fd, buffer, 0, prefix, 0);
      const result = probeDimensions(buffer.subarray(0, read), read < prefix);
      if (result !== 'more') return result;
    }
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The same probe off the event loop, for the few files the watcher sees at a time (the scan
 * worker reads thousands, where sync calls on its own thread are cheaper).
 */
export async function probeFile(real: string): Promise<Dimensions | null> {
  const handle = await open(real, 'r').catch(() => undefined);
  if (!handle) return null;
  try {
    for (const prefix of PREFIXES) {
      const buffer = Buffer.allocUnsafe(prefix);
      const { bytesRead } = await handle.read(buffer, 0, prefix, 0);
      const result = probeDimensions(buffer.subarray(0, bytesRead), bytesRead < prefix);
      if (result !== 'more') return result;
    }
    return null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
