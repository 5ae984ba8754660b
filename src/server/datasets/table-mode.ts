import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveWorkspace, type Workspace } from '../workspace.js';
import { DeferredTableSource } from './deferred-table-source.js';
import { TableOpenError } from './open-errors.js';
import type { LoadReport, ParquetSourceOptions } from './parquet-source.js';
import type { TableTarget } from './table-target.js';

/**
 * Table mode from a command-line target: `t.parquet` (state in `t.parquet.cache/` plus
 * `t.parquet.lenslet.json`) or a folder holding `items.parquet` (state in `<folder>/.lenslet/`).
 * Light on purpose: the CLI loads it before listening, and the Parquet code (hyparquet, the
 * loader) only when the table opens.
 */
export interface TableModeOptions extends Omit<ParquetSourceOptions, 'dimensionsFile'> {
  workspaceDir?: string;
  noWrite?: boolean;
}

/**
 * Table mode for the CLI (issue 15): a source the server can listen on at once, opening the table
 * when started (DeferredTableSource). The checks that cost nothing are made here, so a missing
 * table or base dir still fails before anything listens; an unreadable table or a wrong column is
 * found after, through the source's `opened`.
 */
export async function deferTableDataset(target: TableTarget, options: TableModeOptions = {}): Promise<{ source: DeferredTableSource; workspace: Workspace }> {
  const opts = { ...options, baseDir: options.baseDir ?? (target.kind === 'folder' ? target.folder : undefined) };
  const info = await stat(target.table).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) throw new TableOpenError(info.code === 'ENOENT' ? `table not found: ${target.table}` : `not a readable Parquet file: ${target.table} (${info.message})`);
  const baseDir = path.resolve(opts.baseDir ?? path.dirname(target.table));
  const base = await stat(baseDir).catch(() => undefined);
  if (!base?.isDirectory()) throw new TableOpenError(`base dir is not a folder: ${opts.baseDir ?? baseDir}`);
  const workspace = workspaceOf(target, options);
  const open = sourceOptions(target, options, workspace);
  const source = new DeferredTableSource(DeferredTableSource.nameOf(target.table, open.name), path.resolve(target.table), async (catalog) => {
    const { ParquetSource } = await import('./parquet-source.js');
    return ParquetSource.open(target.table, { ...open, catalog });
  });
  return { source, workspace };
}

export function workspaceOf(target: TableTarget, options: TableModeOptions): Workspace {
  return resolveWorkspace(target.kind === 'table-file' ? { kind: 'table-file', path: target.table } : { kind: 'folder', path: target.folder }, {
    dir: options.workspaceDir,
    noWrite: options.noWrite,
  });
}

export function sourceOptions(target: TableTarget, options: TableModeOptions, workspace: Workspace): ParquetSourceOptions {
  return {
    ...options,
    name: options.name ?? (target.kind === 'folder' ? path.basename(target.folder) : undefined),
    baseDir: options.baseDir ?? (target.kind === 'folder' ? target.folder : undefined),
    dimensionsFile: workspace.persistent ? path.join(workspace.dir, 'dimensions.json') : null,
    guardedPaths: [workspace.dir, workspace.viewsPath, workspace.legacyViewsPath],
  };
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
