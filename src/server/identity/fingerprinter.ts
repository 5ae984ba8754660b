import { open } from 'node:fs/promises';
import type { IHasher } from 'hash-wasm';
import { Limiter } from '../lib/limiter.js';
import type { CachedFingerprint } from './fingerprint-cache.js';

export interface FingerprinterOptions {
  /** Files hashed at once. Default 2: one for the background pass, one for a move being checked. */
  concurrency?: number;
  /** Bytes per read. Default 1 MiB (two such buffers per slot). */
  chunkBytes?: number;
}

/** One hashing lane: its own hasher and two reused buffers, so reading and hashing overlap. */
interface Slot {
  hasher: IHasher;
  buffers: [Buffer, Buffer];
}

/**
 * Content fingerprints: xxh3-128 over a file's whole bytes. Fast enough to keep up with the disk,
 * and not a security hash (a fingerprint only pairs a vanished path with a new one inside the
 * served tree; nobody gains by forging one).
 */
export class Fingerprinter {
  /** The hashing lanes, made with the first file hashed (see `lanes`). */
  private slots: Promise<Slot[]> | undefined;
  private readonly limiter: Limiter;

  private constructor(private readonly options: Required<FingerprinterOptions>) {
    this.limiter = new Limiter(options.concurrency, 'fifo');
  }

  static async create(options: FingerprinterOptions = {}): Promise<Fingerprinter> {
    return new Fingerprinter({ concurrency: options.concurrency ?? 2, chunkBytes: options.chunkBytes ?? 1 << 20 });
  }

  /** The file's fingerprint with the size and mtime of the very file read (rejects if it cannot be read). */
  hashFile(absPath: string): Promise<CachedFingerprint> {
    return this.limiter.run(async () => {
      const slots = await this.lanes();
      const slot = slots.pop()!;
      try {
        return await hashWith(slot, absPath, this.options.chunkBytes);
      } finally {
        slots.push(slot);
      }
    });
  }

  /**
   * hash-wasm and its WebAssembly are loaded with the first file, not when the server starts: the
   * first fingerprints are taken once the folder is indexed, long after the server answers.
   */
  private lanes(): Promise<Slot[]> {
    this.slots ??= import('hash-wasm').then(async ({ createXXHash128 }) => {
      const { concurrency, chunkBytes } = this.options;
      const slots: Slot[] = [];
      for (let i = 0; i < concurrency; i++) slots.push({ hasher: await createXXHash128(), buffers: [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] });
      return slots;
    });
    return this.slots;
  }
}

async function hashWith(slot: Slot, absPath: string, chunkBytes: number): Promise<CachedFingerprint> {
  const handle = await open(absPath, 'r');
  try {
    const info = await handle.stat();
    const { hasher, buffers } = slot;
    hasher.init();
    let turn = 0;
    let pending = handle.read(buffers[0], 0, chunkBytes, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const filled = buffers[turn]!;
      turn ^= 1;
      // The next read runs on the thread pool while this chunk is hashed here.
      pending = handle.read(buffers[turn]!, 0, chunkBytes, null);
      hasher.update(filled.subarray(0, bytesRead));
    }
    return { size: info.size, mtimeMs: info.mtimeMs, hash: hasher.digest('hex') };
  } finally {
    await handle.close();
  }
}
