import { canonicalPath, parentPath } from '../../protocol/paths.js';
import {
  type ActivityResponse,
  type AssignmentsDocument,
  assignmentsDocumentSchema,
  DEFAULT_LABELED_RULE,
  type LabeledRule,
  type SettingsDocument,
  settingsDocumentSchema,
  type StatsBody,
  type StatsResponse,
  TIMELINE_HOURS,
} from '../../protocol/progress.js';
import { AppError } from '../app-error.js';
import type { Catalog, DirNode } from '../catalog/catalog.js';
import type { ChangeFeed } from '../events/change-feed.js';
import type { LabelService } from '../labels/label-service.js';
import type { QueryEngine } from '../query/query-engine.js';
import type { ViewsStore } from '../views/views-store.js';
import type { DocumentBackend } from './document-backend.js';
import { ActivityIndex } from './activity-index.js';
import { activityPaths, readActivity } from './activity-reader.js';
import { editOf, eventsInLog, type Edit } from './edit-feed.js';
import { EditJournal } from './edit-journal.js';
import { FolderCounters } from './folder-counters.js';
import { MyWork } from './my-work.js';
import { statsExportRows, type StatsExportRow } from './stats-export.js';
import { countLabels, markMembers } from './scope-counts.js';
import { HOUR_MS } from './tally.js';
import { TeamDocument } from './team-document.js';

export interface ProgressServiceOptions {
  labels: LabelService;
  feed: ChangeFeed;
  catalog: Catalog;
  query: QueryEngine;
  views: Pick<ViewsStore, 'find' | 'version'>;
  backend: DocumentBackend;
  now?: () => number;
  /** Label writes kept for filtered stats and the export (default 4M, 20 bytes each). */
  journalCap?: number;
  /** Label events the activity index keeps (default 250k, ~8 bytes per folder level each). */
  activityCap?: number;
  /**
   * Resolves once the catalog holds the dataset (indexing done): the log is read after it, so each
   * write it holds finds its item's id. Default: at once.
   */
  indexed?: () => Promise<void>;
}

type SettingsBody = Omit<SettingsDocument, 'version'>;
type AssignmentsBody = Omit<AssignmentsDocument, 'version'>;

/**
 * Team progress (issue 14; rules PR… in SPEC.md): the dataset's "labeled" setting, stats of any
 * folder or filtered set from counters kept current on every label change (never a scan of the
 * log per request), assignments and each person's share of the unlabeled work.
 */
export class ProgressService {
  readonly counters = new FolderCounters();
  readonly journal: EditJournal;
  readonly activityIndex: ActivityIndex;
  /** Resolves once the label writes still in the store's log at start are counted. */
  readonly ready: Promise<void>;
  readonly work: MyWork;
  private readonly now: () => number;
  private readonly stops: (() => void)[] = [];
  private closed = false;
  private reading: Promise<void> = Promise.resolve();
  /**
   * Live events held back from the activity index while the log is read at start, then added
   * after it in order: the index appends in id order, and the log's older ids would otherwise each
   * be inserted before every live one.
   */
  private liveDuringRead: { id: number; paths: string[] }[] | null = [];
  private memberBytes = new Uint8Array(0);

  private constructor(
    private readonly options: ProgressServiceOptions,
    readonly settings: TeamDocument<SettingsBody>,
    readonly assignments: TeamDocument<AssignmentsBody>,
  ) {
    this.now = options.now ?? Date.now;
    this.journal = new EditJournal(options.journalCap);
    this.activityIndex = new ActivityIndex(options.activityCap);
    const { labels, feed, catalog } = options;
    // One synchronous step: the counters start from the projection as it is and follow every
    // change after it; writes after `head` come from the feed, those up to it from the log.
    options.labels.forEachRow((path, s) => this.counters.changed(path, undefined, s));
    this.stops.push(labels.listen(this.counters));
    const head = labels.revision;
    this.stops.push(
      feed.subscribe((event) => {
        if (event.id === null || event.id <= head) return;
        this.logged(event.id, event.type, event.data, this.liveDuringRead);
      }),
    );
    const read = async () => {
      for await (const event of eventsInLog((after, limit) => labels.eventsSince(after, limit), head)) {
        if (this.closed) return;
        this.logged(event.id, event.type, event.data, null);
      }
    };
    this.ready = (async () => {
      await options.indexed?.();
      if (this.closed) return;
      this.reading = read();
      await this.reading;
    })()
      .catch((error: unknown) => console.error('progress: reading the event log failed', error))
      .finally(() => {
        const held = this.liveDuringRead ?? [];
        this.liveDuringRead = null;
        for (const e of held) this.activityIndex.add(e.id, e.paths);
      });
    this.work = new MyWork({ catalog, query: options.query, labels, views: options.views, settings, assignments });
  }

  static async open(options: ProgressServiceOptions): Promise<ProgressService> {
    const publish = (type: 'settings-updated' | 'assignments-updated') => (version: number) => options.feed.publish({ id: null, type, data: { version } });
    const common = { backend: options.backend, now: options.now };
    const settings = await TeamDocument.open<SettingsBody>({
      ...common,
      name: 'settings',
      initial: { labeled: DEFAULT_LABELED_RULE },
      parse: (body) => settingsDocumentSchema.omit({ version: true }).parse(body),
      publish: publish('settings-updated'),
    });
    const assignments = await TeamDocument.open<AssignmentsBody>({
      ...common,
      name: 'assignments',
      initial: { assignments: [] },
      parse: (body) => assignmentsDocumentSchema.omit({ version: true }).parse(body),
      publish: publish('assignments-updated'),
    }).catch(async (error: unknown) => {
      await settings.close();
      throw error;
    });
    return new ProgressService(options, settings, assignments);
  }

  get rule(): LabeledRule {
    return this.settings.get().labeled;
  }

  /** `POST /stats`: a folder's (or subtree's) counters, or a filtered set counted on the spot. */
  stats(body: StatsBody): StatsResponse {
    const { catalog, query } = this.options;
    const path = folderPath(body.path);
    const dir = requireDir(catalog, path);
    const now = this.now();
    if (!body.filters?.length) {
      const total = body.recursive ? dir.count : dir.items.length;
      return this.counters.sum(path, body.recursive).summary(total, this.rule, now);
    }
    const members = this.members(catalog.size);
    const { total, tally } = query.withScope(path, body.recursive, body.filters, (ids, count, index) => {
      markMembers(ids, count, members);
      return { total: count, tally: countLabels(ids, count, index, members) };
    });
    this.journal.tallyMembers(members, tally, Math.floor(now / HOUR_MS) - TIMELINE_HOURS + 1);
    return tally.summary(total, this.rule, now);
  }

  /** A byte per catalog id, all 0: reused by every filtered stats call (a million-row catalog's would be 1 MB each). */
  private members(size: number): Uint8Array {
    if (this.memberBytes.length < size) this.memberBytes = new Uint8Array(Math.max(size, this.options.catalog.width.length));
    else this.memberBytes.fill(0);
    return this.memberBytes;
  }

  /** `GET /stats/export`: label writes per person and day at or below `path`. */
  exportRows(path: string): StatsExportRow[] {
    return statsExportRows(this.journal, folderPath(path));
  }

  /**
   * `GET /activity`: a page of the label writes and moves at or below a folder, newest first
   * (PR11). Waits for the start's read of the log, so a page is never missing older entries.
   */
  async activity(query: { path: string; recursive: boolean; before: number | null; limit: number }): Promise<ActivityResponse> {
    const folder = folderPath(query.path);
    await this.ready;
    requireDir(this.options.catalog, folder);
    const before = query.before ?? Number.POSITIVE_INFINITY;
    return readActivity(this.activityIndex, (after, limit) => this.options.labels.eventsSince(after, limit), { folder, recursive: query.recursive, before, limit: query.limit });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop();
    // The log may still be being read: the store must outlive that read.
    await this.reading.catch(() => undefined);
    await this.settings.close();
    await this.assignments.close();
    await this.options.backend.close();
  }

  /** A durable event of the store's log, from the start's read or from the feed (`hold`: not indexed yet). */
  private logged(id: number, type: string, data: unknown, hold: { id: number; paths: string[] }[] | null): void {
    const edit = editOf(type, data);
    if (edit) this.edit(edit);
    const paths = activityPaths(type, data);
    if (!paths) return;
    if (hold) hold.push({ id, paths });
    else this.activityIndex.add(id, paths);
  }

  private edit(edit: Edit): void {
    this.counters.edit(edit.path, edit.user, edit.atMs);
    this.journal.add(this.options.catalog.idOf(edit.path) ?? -1, parentPath(edit.path), edit.user, edit.atMs);
  }
}

function folderPath(raw: string): string {
  const canonical = canonicalPath(raw);
  if (!canonical.ok) throw new AppError('invalid_path', canonical.reason);
  return canonical.path;
}

function requireDir(catalog: Catalog, path: string): DirNode {
  const dir = catalog.dirOfPath(path);
  if (!dir) throw new AppError('folder_not_found', `no folder ${path}`);
  return dir;
}
