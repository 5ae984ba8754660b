import type { DatasetSource } from '../datasets/dataset-source.js';
import type { LabelLookup } from '../labels/label-lookup.js';
import type { IdentityStrategy } from './identity-strategy.js';
import { NO_MOVES } from './living-dataset.js';

export interface IdentityChoice {
  source: DatasetSource;
  labels: LabelLookup;
  /** `workspace.identityDbPath`, or null to keep fingerprints in memory (read-only workspace). */
  cacheFile: string | null;
  /** False (`--no-watch`): nothing is fingerprinted, so no moves are found. */
  enabled: boolean;
}

/** How this dataset tells moved items: fingerprints for a folder, the id column for a table (each loaded only when chosen). */
export async function identityStrategyFor(choice: IdentityChoice): Promise<IdentityStrategy> {
  const { source } = choice;
  if (source.mode === 'table') {
    // Ids cost no hashing, and a table regenerated while the server was down still needs its moves:
    // on even with --no-watch. Without an id column, labels stay with paths.
    const choose = async () => {
      const identities = source.identities?.bind(source);
      if (!identities || identities() === null) return NO_MOVES;
      const { TableIdStrategy } = await import('./table-id-strategy.js');
      return new TableIdStrategy({ identities }, choice.cacheFile);
    };
    // A table opened after the server listens knows its id column only once open: chosen on first
    // use, which comes after the load.
    return source.opened ? lazyStrategy(choose) : choose();
  }
  if (!choice.enabled) return NO_MOVES;
  const [{ FingerprintCache }, { FingerprintStrategy }, { Fingerprinter }] = await Promise.all([
    import('./fingerprint-cache.js'),
    import('./fingerprint-strategy.js'),
    import('./fingerprinter.js'),
  ]);
  const fingerprinter = await Fingerprinter.create();
  return new FingerprintStrategy({ source: choice.source, labels: choice.labels, cache: new FingerprintCache(choice.cacheFile), fingerprinter });
}

/** A strategy made on its first use; closing one never used makes nothing. */
function lazyStrategy(make: () => Promise<IdentityStrategy>): IdentityStrategy {
  let made: Promise<IdentityStrategy> | undefined;
  const strategy = () => (made ??= make());
  return {
    initial: async () => (await strategy()).initial(),
    movesFor: async (change) => (await strategy()).movesFor(change),
    close: async () => {
      if (made) await (await made).close();
    },
  };
}
