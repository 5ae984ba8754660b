import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { canonicalPath } from '../../protocol/paths.js';
import { workspaceOfTarget } from '../workspace.js';
import { EXPORT_FORMATS, exportLines, importRecordSchema, parseExport, type ExportFormat } from './label-export.js';
import { checkNotes, normalizeTags } from './label-input.js';
import type { LabelWrite } from './label-store.js';
import { runPythonImport } from './python-import/python-import-command.js';
import { SqliteLabelStore } from './sqlite-label-store.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

const DEFAULT_IO: CliIo = { stdout: process.stdout, stderr: process.stderr };
const IMPORT_CHUNK = 500;

const EXPORT_HELP = `Usage: lenslet export <folder | table.parquet> [options]

Write every labeled item (tags, notes, star, flag, metrics, version, updated_at, updated_by) as JSON or CSV.
A CSV cell a spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage
return) is written with a ' in front, as is one starting with ' itself; \`lenslet import\` removes it.

Options:
      --format <json|csv>  Output format (default: from --out's extension, else json)
      --path <folder>      Only items at or below this folder (default /)
      --out <file>         Write here instead of standard output
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
      --db <file>          The labels database itself (overrides the workspace)
`;

const IMPORT_HELP = `Usage: lenslet import <folder | table.parquet> --file <export> [options]

Load labels from a \`lenslet export\` file (JSON or CSV) into the workspace's labels database.
Each item's labels, metrics, updated_at and updated_by are taken from the file; its version becomes
at least the exported one. Run it while no server is using that workspace. In a CSV, the ' that
\`lenslet export\` puts before a formula-like cell (or a cell starting with ') is removed again.

Options:
      --file <file>        The export to read (required, except with --from-python)
      --from-python        Read the Python Lenslet's labels and smart folders instead (see
                           \`lenslet import --from-python --help\`)
      --format <json|csv>  Input format (default: from the file's extension)
      --user <name>        updated_by for records that have none (default "import")
      --workspace <dir>    The workspace used with \`lenslet --workspace\`
      --db <file>          The labels database itself (overrides the workspace)
`;

function parseExportArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      path: { type: 'string' },
      out: { type: 'string' },
      workspace: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parseImportArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      format: { type: 'string' },
      user: { type: 'string' },
      workspace: { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** `lenslet export …`: resolves with the exit code. */
export async function runExportCommand(argv: string[], io: CliIo = DEFAULT_IO): Promise<number> {
  let args: ReturnType<typeof parseExportArgs>;
  try {
    args = parseExportArgs(argv);
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${EXPORT_HELP}`);
  }
  const { values, positionals } = args;
  if (values.help) return done(io, EXPORT_HELP);
  try {
    const db = resolveDb(positionals, values);
    const format = resolveFormat(values.format, values.out);
    const prefix = canonicalPath(values.path ?? '/');
    if (!prefix.ok) throw new Error(`--path: ${prefix.reason}`);
    if (!existsSync(db)) throw new Error(`no labels database at ${db}`);
    const store = new SqliteLabelStore(db);
    try {
      const out = values.out ? createWriteStream(values.out) : io.stdout;
      for await (const chunk of exportLines(store.exportUnder(prefix.path), format, missingUnder(positionals))) {
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (values.out) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    return fail(io, (error as Error).message);
  }
}

/** `lenslet import …`: resolves with the exit code. */
export async function runImportCommand(argv: string[], io: CliIo = DEFAULT_IO): Promise<number> {
  if (argv.includes('--from-python')) return runPythonImport(argv, io);
  let args: ReturnType<typeof parseImportArgs>;
  try {
    args = parseImportArgs(argv);
  } catch (error) {
    return fail(io, `${(error as Error).message}\n\n${IMPORT_HELP}`);
  }
  const { values, positionals } = args;
  if (values.help) return done(io, IMPORT_HELP);
  try {
    if (!values.file) throw new Error('--file is required');
    const db = resolveDb(positionals, values);
    const format = resolveFormat(values.format, values.file);
    const writes = toWrites(parseExport(readFileSync(values.file, 'utf8'), format), values.user ?? 'import');
    mkdirSync(dirname(db), { recursive: true });
    const store = new SqliteLabelStore(db);
    try {
      for (let i = 0; i < writes.length; i += IMPORT_CHUNK) {
        await store.commit([{ writes: writes.slice(i, i + IMPORT_CHUNK) }], Date.now());
      }
    } finally {
      await store.close();
    }
    io.stdout.write(`imported ${writes.length} item${writes.length === 1 ? '' : 's'} into ${db}\n`);
    return 0;
  } catch (error) {
    return fail(io, (error as Error).message);
  }
}

/** Validates every record before anything is written, so a bad file changes nothing. */
function toWrites(records: unknown[], user: string): LabelWrite[] {
  const now = new Date().toISOString();
  return records.map((raw, i) => {
    const parsed = importRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`record ${i + 1}: ${issue.path.join('.') || 'record'}: ${issue.message}`);
    }
    const r = parsed.data;
    const path = canonicalPath(r.path);
    if (!path.ok) throw new Error(`record ${i + 1}: path: ${path.reason}`);
    try {
      return {
        path: path.path,
        expected_version: null,
        labels: { tags: normalizeTags(r.tags, 'tags'), notes: checkNotes(r.notes, 'notes'), star: r.star, flag: r.flag },
        metrics: r.metrics,
        replace_metrics: true,
        min_version: r.version,
        updated_at: r.updated_at ?? now,
        updated_by: r.updated_by ?? user,
      };
    } catch (error) {
      throw new Error(`record ${i + 1}: ${(error as Error).message}`);
    }
  });
}

/**
 * Folder mode: a label is `missing` when its file is no longer under the root. A table (or a bare
 * --db) cannot be checked without loading the table, so nothing is marked there.
 */
function missingUnder(positionals: string[]): ((path: string) => boolean) | undefined {
  const root = positionals.length === 1 ? positionals[0]! : undefined;
  if (!root || !existsSync(root) || !statSync(root).isDirectory()) return undefined;
  // Paths are canonical (leading /, no '..'), so joining them stays under the root.
  return (path) => !existsSync(join(root, ...path.slice(1).split('/')));
}

function resolveDb(positionals: string[], values: { db?: string; workspace?: string }): string {
  if (values.db) return values.db;
  if (positionals.length !== 1) throw new Error('give the folder or table.parquet that was served (or --db <file>)');
  return workspaceOfTarget(positionals[0]!, { dir: values.workspace }).labelsDbPath;
}

function resolveFormat(raw: string | undefined, file: string | undefined): ExportFormat {
  const format = raw ?? (file && extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`--format must be json or csv, got ${format}`);
  return format as ExportFormat;
}

function done(io: CliIo, text: string): number {
  io.stdout.write(text);
  return 0;
}

function fail(io: CliIo, message: string): number {
  io.stderr.write(`lenslet: ${message}\n`);
  return 1;
}
