import type { DatasetChange } from '../datasets/dataset-source.js';
import type { LabelMove } from '../labels/label-store.js';

/**
 * How a dataset tells that an item under a new path is one it had under an old path (issue 16), so
 * its labels can follow: content fingerprints for a folder (fingerprint-strategy.ts), a stable id
 * column for a table (table-id-strategy.ts). The living-dataset coordinator asks it for moves and
 * applies them through `LabelService.moveItems`; a strategy never writes labels itself.
 */
export interface IdentityStrategy {
  /**
   * Once the initial indexing is done, before a table's label columns are seeded: moves for items
   * that changed path while the server was not running (a table regenerated with other paths).
   * A folder strategy starts its background fingerprinting here and returns no moves.
   */
  initial(): Promise<LabelMove[]>;
  /**
   * For a change the source reported: which removed paths reappear as which added paths. Every
   * move's `from` is in `change.removed` or is an orphan the strategy remembers (a table row id
   * coming back), and its `to` is in `change.added`. Paths are paired at most once.
   */
  movesFor(change: DatasetChange): Promise<LabelMove[]>;
  close(): Promise<void>;
}
