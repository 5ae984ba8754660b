import { randomUUID } from 'node:crypto';
import { closeSync, constants, copyFileSync, linkSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import { sqlite } from '../lib/sqlite.js';

/**
 * The labels database file: how it comes to exist, and when it is refused.
 *
 * SQLite creates a database as an empty (0-byte) file and writes its first page later, so a
 * process stopped in between would leave an empty `labels.sqlite`, indistinguishable from a
 * truncated copy that lost every label. Lenslet therefore never creates it in place: the file is
 * made complete (header written, WAL mode) under a temporary name and then linked to its name.
 * Every empty `labels.sqlite` is then damage, never a database that was about to be written, and
 * is refused like any file that is not a readable SQLite database: one line naming the file and
 * what to do. An absent file is a new workspace and is fine.
 */
export class LabelsDbError extends Error {}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const WHAT_TO_DO = 'restore it from a backup, or move it aside to start with no labels';

/** Refuses a labels database that exists but can't hold the labels: empty, or not SQLite. */
export function checkLabelsFile(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new LabelsDbError(`labels database ${file} can't be read (${(error as Error).message}): check its permissions`);
  }
  if (size === 0) throw new LabelsDbError(`labels database ${file} is empty (0 bytes), so every label would be lost: ${WHAT_TO_DO}`);
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, header, 0, header.length, 0);
  } catch (error) {
    throw new LabelsDbError(`labels database ${file} can't be read (${(error as Error).message}): check its permissions`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (!header.equals(SQLITE_MAGIC)) throw new LabelsDbError(`labels database ${file} is not a SQLite database: ${WHAT_TO_DO}`);
}

/** SQLite's answer for a damaged file, as the one-line refusal; undefined for any other error. */
export function labelsDbFailure(file: string, error: unknown): LabelsDbError | undefined {
  if (error instanceof LabelsDbError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') return undefined;
  return new LabelsDbError(`labels database ${file} is damaged (${(error as Error).message}): ${WHAT_TO_DO}`);
}

/**
 * Creates an empty labels database at `file` atomically (see above). When another process created
 * it meanwhile, theirs is kept.
 */
export function createLabelsFile(file: string): void {
  const fresh = `${file}.${randomUUID().slice(0, 8)}.new`;
  try {
    const db = new (sqlite())(fresh);
    db.pragma('journal_mode = WAL');
    db.close();
    try {
      linkSync(fresh, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      // A file system without hard links: an exclusive copy at least never replaces a database.
      copyFileSync(fresh, file, constants.COPYFILE_EXCL);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    try {
      unlinkSync(fresh);
    } catch {
      // never created
    }
  }
}
