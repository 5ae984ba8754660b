import os from 'node:os';
import path from 'node:path';
import { ParquetSource, type ParquetSourceOptions } from './datasets/parquet-source.js';
import { openTableDataset, tableTarget } from './datasets/parquet-dataset.js';
import { isBelow } from './datasets/inside-root.js';
import { tableFromRows } from './datasets/parquet-rows.js';
import { derivePath, sourceKind } from './datasets/source-detect.js';
import { startServer, type RunningServer, type ServerOptions } from './server.js';
import { resolveWorkspace } from './workspace.js';

/**
 * Programmatic launch: `launch({ datasets: { name: [paths or URLs] } })`, `launch({ rows })`, or a
 * table/folder path, with the CLI's options; resolves once the server answers `/health`.
 */
export interface LaunchOptions extends Omit<ServerOptions, 'root' | 'dataset'> {
  /** Named lists of local paths, http(s):// URLs or s3:// URLs; each name becomes a top folder. */
  datasets?: Record<string, readonly string[]>;
  /** Table rows: `source` (bytes), optional `path` (logical path), any other columns (numbers: metrics). */
  rows?: readonly Record<string, unknown>[];
  /** A folder of images, a `.parquet` table, or a folder holding `items.parquet`. */
  path?: string;
  name?: string;
  sourceColumn?: string;
  pathColumn?: string;
  baseDir?: string;
  allowPrivateUrls?: boolean;
  /** Table mode: the embedding columns to serve (`--embedding-column`); default every one. */
  embeddingColumns?: string[];
}

export interface Launched {
  url: string;
  port: number;
  server: RunningServer;
  close(): Promise<void>;
}

export async function launch(options: LaunchOptions): Promise<Launched> {
  const given = [options.datasets, options.rows, options.path].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error('launch needs exactly one of `datasets`, `rows` or `path`');
  const serverOptions: ServerOptions = { ...options, port: options.port ?? 7070 };
  const sourceOptions: ParquetSourceOptions = {
    sourceColumn: options.sourceColumn,
    pathColumn: options.pathColumn,
    allowPrivateUrls: options.allowPrivateUrls,
    name: options.name,
    embeddingColumns: options.embeddingColumns,
  };
  let server: RunningServer;
  if (options.path !== undefined) {
    const target = tableTarget(options.path);
    if (target) {
      const dataset = await openTableDataset(target, { ...sourceOptions, baseDir: options.baseDir, workspaceDir: options.workspaceDir, noWrite: options.noWrite });
      server = await startOrClose(serverOptions, dataset);
    } else {
      server = await startServer({ ...serverOptions, root: options.path });
    }
  } else {
    const { rows, baseDir, pathColumn, sourceColumn } = options.datasets
      ? datasetRows(options.datasets)
      : { rows: options.rows!, baseDir: path.resolve(options.baseDir ?? process.cwd()), pathColumn: options.pathColumn ?? pathColumnOf(options.rows!), sourceColumn: options.sourceColumn ?? 'source' };
    // In-memory data has no place of its own: state goes to --workspace, else a temp dir.
    const workspace = resolveWorkspace({ kind: 'folder', path: os.tmpdir() }, { dir: options.workspaceDir, noWrite: options.workspaceDir === undefined });
    const source = await ParquetSource.fromTable(tableFromRows(rows), {
      ...sourceOptions,
      sourceColumn,
      pathColumn,
      name: options.name ?? (options.datasets ? Object.keys(options.datasets).join(', ') : 'rows'),
      root: options.datasets ? 'datasets' : 'rows',
      baseDir,
    }).catch((error: unknown) => {
      workspace.dispose();
      throw error;
    });
    server = await startOrClose({ ...serverOptions, noWrite: options.noWrite ?? options.workspaceDir === undefined }, { source, workspace });
  }
  await waitForHealth(server.url);
  return { url: server.url, port: server.port, server, close: () => server.close() };
}

async function startOrClose(options: ServerOptions, dataset: { source: ParquetSource; workspace: ReturnType<typeof resolveWorkspace> }): Promise<RunningServer> {
  try {
    return await startServer({ ...options, dataset });
  } catch (error) {
    await dataset.source.close();
    dataset.workspace.dispose();
    throw error;
  }
}

function pathColumnOf(rows: readonly Record<string, unknown>[]): string | undefined {
  return rows.some((r) => typeof r.path === 'string') ? 'path' : undefined;
}

/**
 * One row per entry, logical path `/<dataset>/<rest>`: local files keep their folders relative to
 * the dataset's common folder, URLs become `host/path`, S3 objects `bucket/key`. Same-named files
 * in different folders stay apart, and exact repeats get `-2`, `-3` (the table loader's rule).
 */
export function datasetRows(datasets: Record<string, readonly string[]>): {
  rows: Record<string, unknown>[];
  baseDir: string;
  pathColumn: string;
  sourceColumn: string;
} {
  const locals = Object.values(datasets).flat().filter((s) => sourceKind(s) === 'local').map((s) => path.resolve(s));
  const baseDir = commonDir(locals) ?? process.cwd();
  const rows: Record<string, unknown>[] = [];
  for (const [name, entries] of Object.entries(datasets)) {
    const localDir = commonDir(entries.filter((s) => sourceKind(s) === 'local').map((s) => path.resolve(s)));
    for (const entry of entries) {
      let rest: string | undefined;
      if (sourceKind(entry) === 'local') {
        const absolute = path.resolve(entry);
        rest = path.relative(localDir!, absolute).split(path.sep).join('/');
        rows.push({ source: absolute, path: `/${name}/${rest}` });
      } else {
        rest = derivePath(entry, baseDir);
        rows.push({ source: entry, path: rest === undefined ? undefined : `/${name}${rest}` });
      }
    }
  }
  return { rows, baseDir, pathColumn: 'path', sourceColumn: 'source' };
}

/** The deepest folder containing every file (their own folder for a single file). */
function commonDir(files: string[]): string | undefined {
  if (files.length === 0) return undefined;
  let dir = path.dirname(files[0]!);
  for (const file of files) {
    while (!(file === dir || isBelow(dir, file))) {
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return dir;
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`the server at ${url} did not answer /health`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

