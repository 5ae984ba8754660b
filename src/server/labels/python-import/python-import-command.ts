import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ViewsStore } from '../../views/views-store.js';
import { workspaceOfTarget } from '../../workspace.js';
import { SqliteLabelStore } from '../sqlite-label-store.js';
import { importLabelChains, type LabelImportCounts } from './import-labels.js';
import { ImportMarks } from './import-marks.js';
import { findPythonViews, pythonFilesOf, readIfPresent } from './python-files.js';
import { type PythonLabels, readPythonLabels } from './python-labels.js';
import { convertPythonViews } from './python-views.js';

export interface ImportIo {
  stdout: Writable;
  stderr: Writable;
}

export const PYTHON_IMPORT_HELP = `Usage: lenslet import <folder | table.parquet> --from-python [options]

Bring over what the Python Lenslet recorded for this folder or table: its labels (the snapshot
and the newer lines of its log, each one a history entry under its own author and time) and its
smart folders. Its files are only read, never changed. Running it again imports only what is new.
Run it while no server is using that workspace.

Options:
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
      --db <file>          The labels database itself (overrides the workspace)
`;

interface ViewsReport {
  added: number;
  present: number;
  notes: string[];
}

/** `lenslet import <target> --from-python`: resolves with the exit code. */
export async function runPythonImport(argv: string[], io: ImportIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${PYTHON_IMPORT_HELP}`);
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout.write(PYTHON_IMPORT_HELP);
    return 0;
  }
  try {
    if (positionals.length !== 1) throw new Error('give the folder or table.parquet the Python Lenslet served');
    const target = positionals[0]!;
    const files = pythonFilesOf(target);
    const snapshotText = readIfPresent(files.snapshot);
    const logText = readIfPresent(files.log);
    const pythonViews = findPythonViews(files.views);
    if (snapshotText === undefined && logText === undefined && !pythonViews) {
      throw new Error(`no Python Lenslet labels or smart folders for ${target} (looked for ${files.snapshot}, ${files.log} and ${files.views})`);
    }
    const workspace = workspaceOfTarget(target, { dir: values.workspace });
    const db = values.db ?? workspace.labelsDbPath;
    const labels = readPythonLabels(snapshotText, logText);
    const counts = labels.chains.size > 0 ? await importLabels(db, labels) : undefined;
    const views = pythonViews ? await importViews(pythonViews, workspace.viewsPath, workspace.legacyViewsPath) : undefined;
    io.stdout.write(report(target, db, labels, counts, views));
    return 0;
  } catch (error) {
    return fail(io, (error as Error).message);
  }
}

async function importLabels(db: string, labels: PythonLabels): Promise<LabelImportCounts> {
  if (!existsSync(db)) mkdirSync(dirname(db), { recursive: true });
  const store = new SqliteLabelStore(db);
  let marks: ImportMarks | undefined;
  try {
    marks = new ImportMarks(db);
    return await importLabelChains(store, marks, labels.chains, new Date().toISOString());
  } finally {
    marks?.close();
    await store.close();
  }
}

async function importViews(found: { file: string; json: unknown }, viewsPath: string, legacyViewsPath: string): Promise<ViewsReport> {
  const converted = convertPythonViews(found.json);
  // Our smart folders have their own file (smart-folders.json), so the Python one is only read.
  const store = await ViewsStore.open({ file: viewsPath, legacyFile: legacyViewsPath });
  const result = await store.appendShared(converted.views);
  const notes = [...converted.notes];
  for (const id of result.overLimit) notes.push(`smart folder ${id}: not imported, the list is full`);
  return { added: result.added.length, present: result.present.length, notes };
}

function report(target: string, db: string, labels: PythonLabels, counts: LabelImportCounts | undefined, views: ViewsReport | undefined): string {
  const lines = [`Imported from the Python Lenslet (${target}) into ${db}:`];
  lines.push(`  items (snapshot): ${counts?.items ?? 0}`);
  lines.push(`  log records: ${counts?.logRecords ?? 0}`);
  lines.push(`  smart folders: ${views?.added ?? 0}`);
  lines.push('Skipped:');
  lines.push(`  already imported: ${(counts?.already ?? 0) + (views?.present ?? 0)}`);
  lines.push(`  log records older than the snapshot or the item: ${labels.superseded}`);
  lines.push(`  malformed: ${labels.malformed}`);
  lines.push(`  bad paths: ${labels.badPaths}`);
  lines.push(`  over our limits: ${counts?.refused ?? 0}`);
  for (const example of [...labels.examples, ...(counts?.examples ?? [])]) lines.push(`    e.g. ${example}`);
  const notes = views?.notes ?? [];
  if (notes.length > 0) {
    lines.push('No equivalent here:');
    for (const note of notes) lines.push(`  ${note}`);
  }
  return `${lines.join('\n')}\n`;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'from-python': { type: 'boolean' },
      workspace: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function fail(io: ImportIo, message: string): number {
  io.stderr.write(`lenslet: ${message}\n`);
  return 1;
}
