import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import { FingerprintCache } from './fingerprint-cache.js';
import { FingerprintStrategy } from './fingerprint-strategy.js';
import { Fingerprinter } from './fingerprinter.js';
import type { IdentityStrategy } from './identity-strategy.js';
import { NO_MOVES } from './living-dataset.js';
import { TableIdStrategy } from './table-id-strategy.js';

export interface IdentityChoice {
  source: DatasetSource;
  labels: LabelLookup;
  /** `workspace.identityDbPath`, or null to keep fingerprints in memory (read-only workspace). */
  cacheFile: string | null;
  /** False (`--no-watch`): nothing is fingerprinted, so no moves are found. */
  enabled: boolean;
}

/** How this dataset tells moved items: fingerprints for a folder, the id column for a table. */
export async function identityStrategyFor(choice: IdentityChoice): Promise<IdentityStrategy> {
  const { source } = choice;
  if (source.mode === 'table') {
    // Ids cost no hashing, and a table regenerated while the server was down still needs its moves:
    // on even with --no-watch. Without an id column, labels stay with paths.
    const identities = source.identities?.bind(source);
    return identities && identities() !== null ? new TableIdStrategy({ identities }, choice.cacheFile) : NO_MOVES;
  }
  if (!choice.enabled) return NO_MOVES;
  const fingerprinter = await Fingerprinter.create();
  return new FingerprintStrategy({ source: choice.source, labels: choice.labels, cache: new FingerprintCache(choice.cacheFile), fingerprinter });
}
