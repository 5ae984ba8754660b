import type { Workspace } from '../workspace.js';
import { ParquetSource } from './parquet-source.js';
import { sourceOptions, type TableModeOptions, workspaceOf } from './table-mode.js';
import type { TableTarget } from './table-target.js';

export { type TableTarget, tableTarget } from './table-target.js';
export { idColumnLine, type TableModeOptions } from './table-mode.js';

/** Table mode, the table opened before this resolves (`launch`, tests); the CLI defers it (table-mode.ts). */
export async function openTableDataset(target: TableTarget, options: TableModeOptions = {}): Promise<{ source: ParquetSource; workspace: Workspace }> {
  const workspace = workspaceOf(target, options);
  try {
    return { source: await ParquetSource.open(target.table, sourceOptions(target, options, workspace)), workspace };
  } catch (error) {
    workspace.dispose();
    throw error;
  }
}

