/** A cursor move on the grid. */
export type Direction = 'left' | 'right' | 'up' | 'down';

/** The parts of a KeyboardEvent the key maps read, so they can be tested without a DOM. */
export interface KeyInput {
  key: string;
  /** The physical key (`Digit1`), where the layout matters less than the place. */
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

export interface TargetInput {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color']);

/** True while the user is typing: no shortcut may fire then. */
export function isTypingTarget(target: TargetInput | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  return false;
}

export type GridAction =
  | { type: 'move'; direction: Direction; extend: boolean }
  | { type: 'open' }
  | { type: 'parent' }
  | { type: 'select-all' }
  | { type: 'clear' }
  | { type: 'focus-search' }
  | { type: 'compare' }
  | { type: 'find-similar' };

const DIRECTIONS: Record<string, Direction> = {
  arrowleft: 'left',
  arrowright: 'right',
  arrowup: 'up',
  arrowdown: 'down',
  a: 'left',
  d: 'right',
  w: 'up',
  s: 'down',
};

export function gridKeyAction(e: KeyInput): GridAction | null {
  const key = e.key.toLowerCase();
  const mod = Boolean(e.ctrlKey || e.metaKey);
  if (mod && key === 'a' && !e.altKey) return { type: 'select-all' };
  if (mod || e.altKey) return null;
  // Capital S: a plain `s` moves down (WASD).
  if (e.key === 'S' && e.shiftKey) return { type: 'find-similar' };
  const direction = DIRECTIONS[key];
  if (direction) return { type: 'move', direction, extend: Boolean(e.shiftKey) };
  if (key === 'enter') return { type: 'open' };
  if (key === 'backspace') return { type: 'parent' };
  if (key === 'escape') return { type: 'clear' };
  if (key === '/') return { type: 'focus-search' };
  if (key === 'c' && !e.shiftKey) return { type: 'compare' };
  return null;
}

// No digit keys here: 0–5 are rating keys (inspector) and must keep working in the viewer.
export type ViewerAction = 'next' | 'prev' | 'close' | 'zoom-in' | 'zoom-out';

export function viewerKeyAction(e: KeyInput): ViewerAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key.toLowerCase()) {
    case 'arrowright':
    case 'd':
      return 'next';
    case 'arrowleft':
    case 'a':
      return 'prev';
    case 'escape':
      return 'close';
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
      return 'zoom-out';
    default:
      return null;
  }
}

// `1` fits here, so one star is Shift+1 in the compare view (see label-keys.ts).
export type CompareAction = 'close' | 'fit' | 'actual-size' | 'zoom-in' | 'zoom-out' | 'next-pane' | 'prev-pane' | 'pane-left' | 'pane-right' | 'pane-up' | 'pane-down';

export function compareKeyAction(e: KeyInput): CompareAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Tab') return e.shiftKey ? 'prev-pane' : 'next-pane';
  if (e.shiftKey && e.key !== '+') return null;
  switch (e.key) {
    case 'Escape':
      return 'close';
    case '1':
      return 'fit';
    case '=':
      return 'actual-size';
    case '+':
      return 'zoom-in';
    case '-':
      return 'zoom-out';
    case 'ArrowLeft':
      return 'pane-left';
    case 'ArrowRight':
      return 'pane-right';
    case 'ArrowUp':
      return 'pane-up';
    case 'ArrowDown':
      return 'pane-down';
    default:
      return null;
  }
}

export type TreeAction = 'up' | 'down' | 'home' | 'end' | 'expand' | 'collapse' | 'open';

export function treeKeyAction(e: KeyInput): TreeAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'ArrowUp':
      return 'up';
    case 'ArrowDown':
      return 'down';
    case 'Home':
      return 'home';
    case 'End':
      return 'end';
    case 'ArrowRight':
      return 'expand';
    case 'ArrowLeft':
      return 'collapse';
    case 'Enter':
      return 'open';
    default:
      return null;
  }
}

/** `Ctrl/Cmd+Z` undoes my last label change, `Ctrl/Cmd+Shift+Z` redoes it (never while typing: text keeps its own undo). */
export function undoKeyAction(e: KeyInput, target?: TargetInput | null): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 'z' || isTypingTarget(target)) return null;
  return e.shiftKey ? 'redo' : 'undo';
}
