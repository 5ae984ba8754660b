import { isTypingTarget, type KeyInput, type TargetInput } from './keymap.js';

/** Keys 0–5 rate the selection (or the item in the viewer); 0 clears. Null when it is not one. */
export function ratingFromKey(e: KeyInput, target: TargetInput | null | undefined): number | null | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(target)) return undefined;
  if (!/^[0-5]$/.test(e.key)) return undefined;
  const n = Number(e.key);
  return n === 0 ? null : n;
}

/** What a rating key applies to: the item in the viewer, else the selection (the inspector's subject). */
export function ratingTargets(viewerPath: string | null, selectedPaths: readonly string[]): string[] {
  if (viewerPath) return [viewerPath];
  return [...selectedPaths];
}
