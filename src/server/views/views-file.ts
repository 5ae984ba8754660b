import * as z from 'zod';
import { type View, type ViewsDocument, viewSchema } from '../../protocol/views.js';
import type { IdempotencyRecord } from '../lib/idempotency.js';
import { type OwnedView, ownedView } from './view-access.js';

/**
 * The views file: the document, and beside it the idempotency records of recent writes, written
 * together in one atomic write so a crash can never keep one without the other. A record names
 * versions, not documents; each older document a record needs is stored once, and their total
 * size is capped (a record whose document no longer fits is dropped, oldest first), so a burst
 * of large writes cannot make every later write rewrite megabytes. A record also names who wrote
 * (`by`), so a retry is answered with what that caller may see.
 */
export type ViewsOutcome<D extends ViewsDocument = ViewsDocument> =
  | { kind: 'applied'; doc: D }
  | { kind: 'conflict'; base_version: number; current: D };

/** The whole document with every view's owner and sharing. */
export interface OwnedDocument {
  version: number;
  views: OwnedView[];
}

/** An outcome as recorded: the whole documents, and the writer's name (null in records from before accounts). */
export type RecordedOutcome = ViewsOutcome<OwnedDocument> & { by: string | null };
export type ViewsRecord = IdempotencyRecord<RecordedOutcome>;

/** Bytes of older documents kept for replays; the current one is always in the file anyway. */
export const MAX_REMEMBERED_DOC_BYTES = 4 * 1024 * 1024;

const by = z.string().nullable().default(null);
const storedOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('applied'), version: z.number().int(), by }),
  z.object({ kind: z.literal('conflict'), base_version: z.number().int(), current_version: z.number().int(), by }),
]);
const idempotencySection = z.object({
  records: z.array(z.object({ key: z.string(), fingerprint: z.string(), created_at_ms: z.number(), outcome: storedOutcome })),
  documents: z.record(z.string(), z.array(viewSchema)),
});
type StoredOutcome = z.infer<typeof storedOutcome>;

/** The file's text for `doc` and `records` (oldest first), and the records that fit. */
export function serializeViews(doc: OwnedDocument, records: readonly ViewsRecord[]): { text: string; kept: ViewsRecord[] } {
  const documents: Record<string, View[]> = {};
  const kept: ViewsRecord[] = [];
  let bytes = 0;
  // Newest first, so when the cap bites it is the oldest records that go.
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i]!;
    const needed = record.outcome.kind === 'applied' ? record.outcome.doc : record.outcome.current;
    if (needed.version !== doc.version && documents[needed.version] === undefined) {
      const size = JSON.stringify(needed.views).length;
      if (bytes + size > MAX_REMEMBERED_DOC_BYTES) break;
      bytes += size;
      documents[needed.version] = needed.views;
    }
    kept.push(record);
  }
  kept.reverse();
  const stored = kept.map(({ key, fingerprint, created_at_ms, outcome }) => ({ key, fingerprint, created_at_ms, outcome: store(outcome) }));
  const text = `${JSON.stringify({ version: doc.version, views: doc.views, idempotency: { records: stored, documents } }, null, 2)}\n`;
  return { text, kept };
}

/** The records a views file holds (oldest first); none when the section is missing or damaged. */
export function parseViewsRecords(json: unknown, doc: OwnedDocument): ViewsRecord[] {
  const parsed = idempotencySection.safeParse((json as { idempotency?: unknown } | null)?.idempotency);
  // Records are only there to answer retries: a file without them (an older Lenslet's) or with a
  // damaged section still has a good document, so keep that and start with no records.
  if (!parsed.success) return [];
  const docOf = (version: number): OwnedDocument | undefined => {
    if (version === doc.version) return doc;
    const views = parsed.data.documents[version];
    return views ? { version, views: views.map(ownedView) } : undefined;
  };
  const records: ViewsRecord[] = [];
  for (const { outcome, ...rest } of parsed.data.records) {
    const restored = load(outcome, docOf);
    if (restored) records.push({ ...rest, outcome: restored });
  }
  return records;
}

function store(outcome: RecordedOutcome): StoredOutcome {
  if (outcome.kind === 'applied') return { kind: 'applied', version: outcome.doc.version, by: outcome.by };
  return { kind: 'conflict', base_version: outcome.base_version, current_version: outcome.current.version, by: outcome.by };
}

function load(outcome: StoredOutcome, docOf: (version: number) => OwnedDocument | undefined): RecordedOutcome | undefined {
  if (outcome.kind === 'applied') {
    const doc = docOf(outcome.version);
    return doc && { kind: 'applied', doc, by: outcome.by };
  }
  const current = docOf(outcome.current_version);
  return current && { kind: 'conflict', base_version: outcome.base_version, current, by: outcome.by };
}
