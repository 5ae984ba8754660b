import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';

/**
 * Where Lenslet keeps its own state (thumbnails, labels, views): never among the user's images.
 * Persistent workspaces are created lazily, on the first write, so merely browsing a folder
 * creates nothing until a thumbnail or label is stored.
 */
export interface Workspace {
  dir: string;
  /** False for a `--no-write` temp dir, which is removed on close. */
  persistent: boolean;
  thumbsDir: string;
  labelsDbPath: string;
  /** Users, sessions, tokens and the audit log (issue 10), beside the labels. */
  accountsDbPath: string;
  /** Content fingerprints (path, size, mtime → hash) and a table's id → path map (issue 16). */
  identityDbPath: string;
  /** The progress settings and assignments (issue 14), created on their first write. */
  teamDbPath: string;
  /** Perceptual hashes (path, size, mtime → 64-bit pHash) for near-duplicates (issue 13). */
  phashDbPath: string;
  /** Vectors attached with `PUT /embeddings` (issue 13), created by the first one; PostgreSQL holds them with `--store`. */
  embeddingsDbPath: string;
  /** Smart folders: `smart-folders.json` in the workspace. */
  viewsPath: string;
  /**
   * Where smart folders were kept before issue 16 (`views.json`, a table's `t.parquet.lenslet.json`):
   * the same names the Python Lenslet used. Read once when `viewsPath` does not exist yet and the file
   * is ours; never written, renamed or removed, so the Python Lenslet's file there stays as it was.
   */
  legacyViewsPath: string;
  /** Creates `dir` (and parents) if needed. Idempotent and cheap after the first call. */
  ensure(): Promise<void>;
  /** Removes a temp workspace; a persistent one is left alone. */
  dispose(): void;
}

/** Our smart folders' file, in the workspace (its own name: see `Workspace.legacyViewsPath`). */
export const SMART_FOLDERS_FILE = 'smart-folders.json';

export type WorkspaceTarget =
  | { kind: 'folder'; path: string } // a folder of images, or a folder holding items.parquet
  | { kind: 'table-file'; path: string }; // t.parquet: state in t.parquet.cache/ beside it

export interface WorkspaceOptions {
  /** `--workspace DIR`: state goes there instead. */
  dir?: string;
  /** `--no-write`: nothing is written beside the data; state lives in a temp dir. */
  noWrite?: boolean;
}

export function resolveWorkspace(target: WorkspaceTarget, options: WorkspaceOptions = {}): Workspace {
  const path = resolve(target.path);
  if (options.noWrite) {
    const dir = mkdtempSync(join(tmpdir(), 'lenslet-'));
    return make(dir, false, join(dir, 'views.json'));
  }
  if (options.dir) return make(resolve(options.dir), true, join(resolve(options.dir), 'views.json'));
  if (target.kind === 'table-file') {
    return make(`${path}.cache`, true, join(dirname(path), `${basename(path)}.lenslet.json`));
  }
  const dir = join(path, '.lenslet');
  return make(dir, true, join(dir, 'views.json'));
}

/** The workspace of what a CLI command names: a folder, or a `.parquet` table file. */
export function workspaceOfTarget(target: string, options: WorkspaceOptions = {}): Workspace {
  const isTable = extname(target).toLowerCase() === '.parquet' && existsSync(target) && statSync(target).isFile();
  return resolveWorkspace({ kind: isTable ? 'table-file' : 'folder', path: target }, options);
}

function make(dir: string, persistent: boolean, legacyViewsPath: string): Workspace {
  let ready: Promise<void> | undefined;
  return {
    dir,
    persistent,
    thumbsDir: join(dir, 'thumbs'),
    labelsDbPath: join(dir, 'labels.sqlite'),
    accountsDbPath: join(dir, 'accounts.sqlite'),
    identityDbPath: join(dir, 'identity.sqlite'),
    teamDbPath: join(dir, 'team.sqlite'),
    phashDbPath: join(dir, 'phash.sqlite'),
    embeddingsDbPath: join(dir, 'embeddings.sqlite'),
    viewsPath: join(dir, SMART_FOLDERS_FILE),
    legacyViewsPath,
    ensure() {
      ready ??= mkdir(dir, { recursive: true }).then(
        () => undefined,
        (error: unknown) => {
          ready = undefined; // let a later call retry
          throw error;
        },
      );
      return ready;
    },
    dispose() {
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}
