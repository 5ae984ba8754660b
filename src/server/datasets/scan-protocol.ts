/** Messages between the folder scanner and its worker thread. Flat arrays keep cloning cheap. */
export interface ScanRequest {
  rootReal: string;
  /** Canonical path of the subtree to walk (`/` for everything). */
  start: string;
  /** Real paths of folders never to enter (the workspace). */
  skipReal: string[];
  /**
   * Link targets already listed outside this subtree, as [key, canonical path] (see visible-tree.ts):
   * a refresh of a subtree must not list them a second time.
   */
  claims?: [string, string][];
}

export type ScanMessage =
  /** Repeating [path, mime, size, mtimeMs]. */
  | { type: 'entries'; entries: (string | number)[] }
  /** Phase 1 finished. `missing`: the start folder does not exist (or is not a listed path). `claims`: links followed, [key, path]. */
  | { type: 'scanned'; total: number; missing: boolean; claims?: [string, string][] }
  /** Repeating [path, w, h]; 0 when unknown. */
  | { type: 'dims'; dims: (string | number)[] }
  | { type: 'done' };
