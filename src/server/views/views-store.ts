import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { View, ViewsDocument } from '../../protocol/views.js';
import { viewsDocumentSchema } from '../../protocol/views.js';

/**
 * Smart folders as one versioned document. A write names the version it was based on; a stale
 * one is refused with the current document (409), never last-write-wins. Writes are serialized,
 * persisted atomically (temp file, fsync, rename) before memory changes, and then announced.
 */
export type ViewsPutResult =
  | { status: 200; body: ViewsDocument; replayed: boolean }
  | { status: 409; body: ViewsConflictBody; replayed: boolean };

export interface ViewsConflictBody {
  error: { code: 'version_conflict'; message: string; details: { base_version: number; current_version: number } };
  current: ViewsDocument;
}

export interface ViewsStoreOptions {
  /** The views file; null keeps views in memory only (`--no-write`). */
  file: string | null;
  /** Called after each committed change (the `views-updated` event). */
  publish?: (event: { type: 'views-updated'; data: { version: number } }) => void;
  idempotencyTtlMs?: number;
  now?: () => number;
}

/** The version of a views document nobody has written yet. */
export const INITIAL_VIEWS_VERSION = 1;
const MAX_REMEMBERED = 1000;

export class ViewsStore {
  private doc: ViewsDocument;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly remembered = new Map<string, { fingerprint: string; result: ViewsPutResult; at: number }>();

  private constructor(
    private readonly options: ViewsStoreOptions,
    doc: ViewsDocument,
  ) {
    this.doc = doc;
  }

  /** Loads the views file if there is one. A file that is not a views document is set aside, never overwritten. */
  static async open(options: ViewsStoreOptions): Promise<ViewsStore> {
    let doc: ViewsDocument = { version: INITIAL_VIEWS_VERSION, views: [] };
    if (options.file) {
      const text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (text !== undefined) {
        const parsed = viewsDocumentSchema.safeParse(safeJson(text));
        if (parsed.success) {
          doc = { version: Math.max(INITIAL_VIEWS_VERSION, parsed.data.version), views: parsed.data.views };
        } else {
          // An older or foreign file: keep it (renamed, never overwritten) and start an empty list.
          const aside = `${options.file}.unreadable-${Date.now()}`;
          await rename(options.file, aside);
          process.emitWarning(`${options.file} is not a views file of this version; kept as ${aside}`);
        }
      }
    }
    return new ViewsStore(options, doc);
  }

  get(): ViewsDocument {
    return this.doc;
  }

  get persistent(): boolean {
    return this.options.file !== null;
  }

  /**
   * Replaces the list if `baseVersion` is current. The same idempotency key with the same request
   * gets the first answer again; with a different request it is refused by the caller's check.
   */
  put(views: View[], baseVersion: number, idempotencyKey: string, fingerprint: string): Promise<ViewsPutResult> {
    const run = this.queue.then(() => this.putNow(views, baseVersion, idempotencyKey, fingerprint));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The remembered request for a key, if any (to detect a reused key with a different body). */
  rememberedFingerprint(key: string): string | undefined {
    this.prune();
    return this.remembered.get(key)?.fingerprint;
  }

  private async putNow(views: View[], baseVersion: number, key: string, fingerprint: string): Promise<ViewsPutResult> {
    this.prune();
    const seen = this.remembered.get(key);
    if (seen && seen.fingerprint === fingerprint) return { ...seen.result, replayed: true };
    let result: ViewsPutResult;
    if (baseVersion !== this.doc.version) {
      result = {
        status: 409,
        replayed: false,
        body: {
          error: {
            code: 'version_conflict',
            message: `the views changed: you edited version ${baseVersion}, they are now at version ${this.doc.version}`,
            details: { base_version: baseVersion, current_version: this.doc.version },
          },
          current: this.doc,
        },
      };
    } else {
      const next: ViewsDocument = { version: this.doc.version + 1, views };
      if (this.options.file) await writeAtomic(this.options.file, `${JSON.stringify(next, null, 2)}\n`);
      this.doc = next;
      result = { status: 200, replayed: false, body: next };
      this.options.publish?.({ type: 'views-updated', data: { version: next.version } });
    }
    this.remembered.set(key, { fingerprint, result, at: this.now() });
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    return result;
  }

  private prune(): void {
    const cutoff = this.now() - (this.options.idempotencyTtlMs ?? 600_000);
    for (const [key, entry] of this.remembered) {
      if (entry.at >= cutoff) break; // insertion order = time order
      this.remembered.delete(key);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Temp file in the same directory, fsync, rename over the target: readers see old or new, never half. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
