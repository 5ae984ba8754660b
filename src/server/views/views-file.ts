import { z } from 'zod';
import { type View, type ViewsDocument, viewSchema } from '../../protocol/views.js';
import type { IdempotencyRecord } from '../lib/idempotency.js';

/**
 * The views file: the document, and beside it the idempotency records of recent writes, written
 * together in one atomic write so a crash can never keep one without the other. A record names
 * versions, not documents; each older document a record needs is stored once, and their total
 * size is capped (a record whose document no longer fits is dropped, oldest first), so a burst
 * of large writes cannot make every later write rewrite megabytes.
 */
export type ViewsOutcome =
  | { kind: 'applied'; doc: ViewsDocument }
  | { kind: 'conflict'; base_version: number; current: ViewsDocument };

export type ViewsRecord = IdempotencyRecord<ViewsOutcome>;

/** Bytes of older documents kept for replays; the current one is always in the file anyway. */
export const MAX_REMEMBERED_DOC_BYTES = 4 * 1024 * 1024;

const storedOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('applied'), version: z.number().int() }),
  z.object({ kind: z.literal('conflict'), base_version: z.number().int(), current_version: z.number().int() }),
]);
const idempotencySection = z.object({
  records: z.array(z.object({ key: z.string(), fingerprint: z.string(), created_at_ms: z.number(), outcome: storedOutcome })),
  documents: z.record(z.string(), z.array(viewSchema)),
});
type StoredOutcome = z.infer<typeof storedOutcome>;

/** The file's text for `doc` and `records` (oldest first), and the records that fit. */
export function serializeViews(doc: ViewsDocument, records: readonly ViewsRecord[]): { text: string; kept: ViewsRecord[] } {
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
export function parseViewsRecords(json: unknown, doc: ViewsDocument): ViewsRecord[] {
  const parsed = idempotencySection.safeParse((json as { idempotency?: unknown } | null)?.idempotency);
  // Records are only there to answer retries: a file without them (an older Lenslet's) or with a
  // damaged section still has a good document, so keep that and start with no records.
  if (!parsed.success) return [];
  const docOf = (version: number): ViewsDocument | undefined => {
    if (version === doc.version) return doc;
    const views = parsed.data.documents[version];
    return views ? { version, views } : undefined;
  };
  const records: ViewsRecord[] = [];
  for (const { outcome, ...rest } of parsed.data.records) {
    const restored = load(outcome, docOf);
    if (restored) records.push({ ...rest, outcome: restored });
  }
  return records;
}

function store(outcome: ViewsOutcome): StoredOutcome {
  if (outcome.kind === 'applied') return { kind: 'applied', version: outcome.doc.version };
  return { kind: 'conflict', base_version: outcome.base_version, current_version: outcome.current.version };
}

function load(outcome: StoredOutcome, docOf: (version: number) => ViewsDocument | undefined): ViewsOutcome | undefined {
  if (outcome.kind === 'applied') {
    const doc = docOf(outcome.version);
    return doc && { kind: 'applied', doc };
  }
  const current = docOf(outcome.current_version);
  return current && { kind: 'conflict', base_version: outcome.base_version, current };
}
