import { resolve } from 'node:path';
import { type Workspace, workspaceOfTarget } from '../../workspace.js';
import type { LabelStore } from '../label-store.js';
import { hasPythonState } from './python-files.js';

/**
 * The line printed at startup when the Python Lenslet left labels or smart folders for `target`
 * and nothing was ever labeled here; null otherwise. A `--no-write` temp workspace gets no offer:
 * an import into it would vanish on exit.
 */
export async function pythonImportOffer(target: string, workspace: Workspace, store: LabelStore | null): Promise<string | null> {
  if (!store || !workspace.persistent) return null;
  try {
    if (!hasPythonState(target) || (await store.currentEventId()) > 0) return null;
  } catch {
    return null; // an offer is a courtesy: an unreadable file must not stop the server
  }
  const own = resolve(workspace.dir) === resolve(workspaceOfTarget(target).dir) ? '' : ` --workspace ${quote(workspace.dir)}`;
  return `Labels from the Python Lenslet found: run \`lenslet import ${quote(target)} --from-python${own}\` to bring them over.`;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
