import { readFile, rename } from 'node:fs/promises';
import { viewsDocumentSchema } from '../../protocol/views.js';
import { writeAtomic } from '../lib/atomic-write.js';
import { IDEMPOTENCY_MAX_ENTRIES, IdempotencyMemory } from '../lib/idempotency.js';
import { ownedView } from './view-access.js';
import { type OwnedDocument, parseViewsRecords, type RecordedOutcome, serializeViews, type ViewsRecord } from './views-file.js';

/** The version of a views document nobody has written yet. */
export const INITIAL_VIEWS_VERSION = 1;

/** The stored document and the idempotency records of recent writes (oldest first). */
export interface ViewsState {
  doc: OwnedDocument;
  records: IdempotencyMemory<RecordedOutcome>;
}

/**
 * What a write decided: the answer, and what to store (a new document and/or a record). Nothing
 * is stored when both are absent (a replay). `writer` is the owner key of an applied write's
 * writer, kept so other servers can tell whom the change concerns.
 */
export interface ViewsDecision<T> {
  value: T;
  next?: OwnedDocument;
  record?: ViewsRecord;
  writer?: string | null;
}

/**
 * Where the views document lives. `update` hands `decide` the stored state and stores its
 * decision atomically with the records, so a write is decided against what is really stored (on
 * PostgreSQL: what another server may have written a moment ago), never against a stale copy.
 */
export interface ViewsBackend {
  readonly persistent: boolean;
  update<T>(decide: (state: ViewsState) => ViewsDecision<T>): Promise<{ value: T; before: OwnedDocument; writer: string | null }>;
  /** The stored document and the writer of its last applied write, when known. */
  read(): Promise<{ doc: OwnedDocument; writer: string | null }>;
  /** Calls `onChange` when another process may have changed the document. */
  watch(onChange: () => void): Promise<() => Promise<void>>;
}

export interface IdempotencyLimits {
  ttlMs: number;
  maxEntries: number;
}

export function memoryOf(records: readonly ViewsRecord[], limits: IdempotencyLimits): IdempotencyMemory<RecordedOutcome> {
  const memory = new IdempotencyMemory<RecordedOutcome>(limits);
  for (const record of records) memory.set(record);
  return memory;
}

/** The records to store with a decision: the live ones and the new one, within the cap. */
export function recordsAfter(state: ViewsState, record: ViewsRecord | undefined): ViewsRecord[] {
  const all = state.records.entries();
  return record ? [...all, record].slice(-IDEMPOTENCY_MAX_ENTRIES) : all;
}

/** The views file (or memory only when `file` is null: `--no-write`). Memory is the truth; the file follows each write. */
export class FileViewsBackend implements ViewsBackend {
  private writer: string | null = null;

  private constructor(
    private readonly file: string | null,
    private readonly state: ViewsState,
  ) {}

  static async open(file: string | null, legacyFile: string | undefined, limits: IdempotencyLimits): Promise<FileViewsBackend> {
    const found = file ? await readViewsFile(file, legacyFile, { setAside: true }) : undefined;
    const doc = found?.doc ?? { version: INITIAL_VIEWS_VERSION, views: [] };
    return new FileViewsBackend(file, { doc, records: memoryOf(found?.records ?? [], limits) });
  }

  get persistent(): boolean {
    return this.file !== null;
  }

  async update<T>(decide: (state: ViewsState) => ViewsDecision<T>): Promise<{ value: T; before: OwnedDocument; writer: string | null }> {
    const before = this.state.doc;
    const beforeWriter = this.writer;
    const decision = decide(this.state);
    if (!decision.next && !decision.record) return { value: decision.value, before, writer: beforeWriter };
    const next = decision.next ?? before;
    if (this.file) {
      // The file is written before memory changes: a failed write leaves the store as it was.
      const { text, kept } = serializeViews(next, recordsAfter(this.state, decision.record));
      await writeAtomic(this.file, text);
      const keep = new Set(kept.map((r) => r.key));
      for (const old of this.state.records.entries()) if (!keep.has(old.key)) this.state.records.delete(old.key);
    }
    this.state.doc = next;
    if (decision.record) this.state.records.set(decision.record);
    if (decision.next) this.writer = decision.writer ?? null;
    return { value: decision.value, before, writer: beforeWriter };
  }

  async read(): Promise<{ doc: OwnedDocument; writer: string | null }> {
    return { doc: this.state.doc, writer: this.writer };
  }

  async watch(): Promise<() => Promise<void>> {
    // One process owns the file: nobody else changes it.
    return async () => {};
  }
}

/**
 * The views document in `file`, else in `legacyFile` when that is a views document of ours (the
 * Python Lenslet's file of the same name is left alone). A damaged file of ours is renamed aside
 * (never overwritten) when `setAside`, else reported as an error.
 */
export async function readViewsFile(
  file: string,
  legacyFile: string | undefined,
  options: { setAside: boolean },
): Promise<{ doc: OwnedDocument; records: ViewsRecord[]; text: string } | undefined> {
  let text = await readIfThere(file);
  let adopting = false;
  if (text === undefined && legacyFile) {
    text = await readIfThere(legacyFile);
    adopting = text !== undefined;
  }
  if (text === undefined) return undefined;
  const json = safeJson(text);
  const parsed = viewsDocumentSchema.safeParse(json);
  if (parsed.success) {
    // Views saved before accounts have no owner: they load as shared.
    const doc = { version: Math.max(INITIAL_VIEWS_VERSION, parsed.data.version), views: parsed.data.views.map(ownedView) };
    return { doc, records: parseViewsRecords(json, doc), text };
  }
  if (adopting) return undefined;
  if (!options.setAside) throw new Error(`${file} is not a views file of this version`);
  const aside = `${file}.unreadable-${Date.now()}`;
  await rename(file, aside);
  process.emitWarning(`${file} is not a views file of this version; kept as ${aside}`);
  return undefined;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
