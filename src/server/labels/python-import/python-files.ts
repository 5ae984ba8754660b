import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isPythonViewsDocument } from './python-views.js';

/**
 * Where the Python Lenslet kept its state for a target: `<folder>/.lenslet/` for a folder (also
 * one holding items.parquet), and files beside a table file (`<t>.parquet.lenslet.labels.*`,
 * `<t>.parquet.lenslet.json`). Everything here only reads.
 */
export interface PythonFiles {
  snapshot: string;
  log: string;
  /** Where the Python Lenslet wrote its smart folders. */
  views: string;
}

export function pythonFilesOf(target: string): PythonFiles {
  const path = resolve(target);
  const isTableFile = extname(path).toLowerCase() === '.parquet' && existsSync(path) && statSync(path).isFile();
  if (isTableFile) {
    return { snapshot: `${path}.lenslet.labels.snapshot.json`, log: `${path}.lenslet.labels.log.jsonl`, views: `${path}.lenslet.json` };
  }
  const dir = join(path, '.lenslet');
  return { snapshot: join(dir, 'labels.snapshot.json'), log: join(dir, 'labels.log.jsonl'), views: join(dir, 'views.json') };
}

/** The file's text, or undefined when it does not exist. */
export function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The Python smart folders: the views file if it is still in the Python format, else the newest
 * copy this Lenslet set aside when it found that file where its own views go
 * (`views.json.unreadable-<ms>`, see ViewsStore.open).
 */
export function findPythonViews(views: string): { file: string; json: unknown } | undefined {
  const candidates = [views];
  try {
    const prefix = `${basename(views)}.unreadable-`;
    const aside = readdirSync(dirname(views))
      .filter((name) => name.startsWith(prefix))
      .sort((a, b) => Number(b.slice(prefix.length)) - Number(a.slice(prefix.length)));
    candidates.push(...aside.map((name) => join(dirname(views), name)));
  } catch {
    // no folder: nothing set aside either
  }
  for (const file of candidates) {
    const text = readIfPresent(file);
    if (text === undefined) continue;
    const json = safeJson(text);
    if (isPythonViewsDocument(json)) return { file, json };
  }
  return undefined;
}

/** True when any Python label or views file exists for `target`. */
export function hasPythonState(target: string): boolean {
  const files = pythonFilesOf(target);
  return existsSync(files.snapshot) || existsSync(files.log) || findPythonViews(files.views) !== undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
