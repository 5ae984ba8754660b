import type { Flag } from '../../protocol/items.js';
import { isTypingTarget, type KeyInput, type TargetInput } from './keymap.js';

/**
 * Keys 0–5 rate the selection (or the item in the viewer); 0 clears. Null when it is not one.
 * In the compare view `1` fits the panes (as the issue asks), so one star is Shift+1 there.
 */
export function ratingFromKey(e: KeyInput, target: TargetInput | null | undefined, comparing = false): number | null | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(target)) return undefined;
  if (comparing && e.shiftKey && e.code === 'Digit1') return 1;
  if (comparing && e.key === '1') return undefined;
  if (!/^[0-5]$/.test(e.key)) return undefined;
  const n = Number(e.key);
  return n === 0 ? null : n;
}

/**
 * What a rating key applies to: the item in the viewer (or the focused pane of the compare view,
 * which the gallery reports as its viewer path), else the selection (the inspector's subject).
 */
export function ratingTargets(viewerPath: string | null, selectedPaths: readonly string[]): string[] {
  if (viewerPath) return [viewerPath];
  return [...selectedPaths];
}

const FLAG_KEYS: Record<string, Flag> = { p: 'pick', x: 'reject', u: null };

/** P picks, X rejects, U clears the flag (as in Lightroom); undefined when it is not a flag key. */
export function flagFromKey(e: KeyInput, target: TargetInput | null | undefined): Flag | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || isTypingTarget(target)) return undefined;
  const key = e.key.toLowerCase();
  return key in FLAG_KEYS ? FLAG_KEYS[key] : undefined;
}

/** N: the next item with neither a star nor a flag. */
export function isNextUnlabeledKey(e: KeyInput, target: TargetInput | null | undefined): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || isTypingTarget(target)) return false;
  return e.key.toLowerCase() === 'n';
}
