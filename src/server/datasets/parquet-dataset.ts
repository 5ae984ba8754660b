import path from 'node:path';
import { resolveWorkspace, type Workspace } from '../workspace.js';
import { type LoadReport, ParquetSource, type ParquetSourceOptions } from './parquet-source.js';
import type { TableTarget } from './table-target.js';

/**
 * Table mode from a command-line target: `t.parquet` (state in `t.parquet.cache/` plus
 * `t.parquet.lenslet.json`) or a folder holding `items.parquet` (state in `<folder>/.lenslet/`).
 */
export interface TableModeOptions extends Omit<ParquetSourceOptions, 'dimensionsFile'> {
  workspaceDir?: string;
  noWrite?: boolean;
}

export { type TableTarget, tableTarget } from './table-target.js';

export async function openTableDataset(target: TableTarget, options: TableModeOptions = {}): Promise<{ source: ParquetSource; workspace: Workspace }> {
  const workspace = resolveWorkspace(
    target.kind === 'table-file' ? { kind: 'table-file', path: target.table } : { kind: 'folder', path: target.folder },
    { dir: options.workspaceDir, noWrite: options.noWrite },
  );
  try {
    const source = await ParquetSource.open(target.table, {
      ...options,
      name: options.name ?? (target.kind === 'folder' ? path.basename(target.folder) : undefined),
      baseDir: options.baseDir ?? (target.kind === 'folder' ? target.folder : undefined),
      dimensionsFile: workspace.persistent ? path.join(workspace.dir, 'dimensions.json') : null,
      guardedPaths: [workspace.dir, workspace.viewsPath, workspace.legacyViewsPath],
    });
    return { source, workspace };
  } catch (error) {
    workspace.dispose();
    throw error;
  }
}

/**
 * The one line the CLI prints about the id column labels are keyed by (issue 16), or undefined
 * when the table has none.
 */
export function idColumnLine(report: LoadReport): string | undefined {
  const id = report.idColumn;
  if (!id) return undefined;
  const how = id.given ? 'named by --id-column' : 'found by its name; --id-column picks another';
  const without = id.missing + id.duplicated;
  const rest = without === 0 ? '' : `; ${without} row(s) have no usable id (${id.missing} empty, ${id.duplicated} repeated) and are keyed by path only`;
  return `Labels follow the id column "${id.name}" (${how})${rest}.`;
}
