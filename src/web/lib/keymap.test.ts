import { describe, expect, it } from 'vitest';
import { compareKeyAction, gridKeyAction, isTypingTarget, treeKeyAction, undoKeyAction, viewerKeyAction } from './keymap.js';

describe('grid keys', () => {
  it('maps arrows and WASD to moves, with shift extending', () => {
    expect(gridKeyAction({ key: 'ArrowDown' })).toEqual({ type: 'move', direction: 'down', extend: false });
    expect(gridKeyAction({ key: 'W' , shiftKey: true})).toEqual({ type: 'move', direction: 'up', extend: true });
    expect(gridKeyAction({ key: 'a' })).toEqual({ type: 'move', direction: 'left', extend: false });
    expect(gridKeyAction({ key: 'd' })).toEqual({ type: 'move', direction: 'right', extend: false });
  });
  it('maps Enter, Backspace, Esc and /', () => {
    expect(gridKeyAction({ key: 'Enter' })).toEqual({ type: 'open' });
    expect(gridKeyAction({ key: 'Backspace' })).toEqual({ type: 'parent' });
    expect(gridKeyAction({ key: 'Escape' })).toEqual({ type: 'clear' });
    expect(gridKeyAction({ key: '/' })).toEqual({ type: 'focus-search' });
  });
  it('selects all with Ctrl+A or Cmd+A but leaves other modified keys to the browser', () => {
    expect(gridKeyAction({ key: 'a', ctrlKey: true })).toEqual({ type: 'select-all' });
    expect(gridKeyAction({ key: 'A', metaKey: true })).toEqual({ type: 'select-all' });
    expect(gridKeyAction({ key: 'ArrowLeft', altKey: true })).toBeNull();
    expect(gridKeyAction({ key: 's', ctrlKey: true })).toBeNull();
    expect(gridKeyAction({ key: 'S', shiftKey: true })).toEqual({ type: 'find-similar' });
    expect(gridKeyAction({ key: 's' })).toEqual({ type: 'move', direction: 'down', extend: false });
    expect(gridKeyAction({ key: 'ArrowDown', shiftKey: true })).toEqual({ type: 'move', direction: 'down', extend: true });
    expect(gridKeyAction({ key: 'x' })).toBeNull();
  });
});

describe('compare keys', () => {
  it('opens from the grid with C', () => {
    expect(gridKeyAction({ key: 'c' })).toEqual({ type: 'compare' });
    expect(gridKeyAction({ key: 'C', shiftKey: true })).toBeNull();
    expect(gridKeyAction({ key: 'c', ctrlKey: true })).toBeNull();
  });

  it('fits with 1, shows 100% with =, moves the focused pane with Tab and arrows, closes with Esc', () => {
    expect(compareKeyAction({ key: '1' })).toBe('fit');
    expect(compareKeyAction({ key: '=' })).toBe('actual-size');
    expect(compareKeyAction({ key: '+', shiftKey: true })).toBe('zoom-in');
    expect(compareKeyAction({ key: '-' })).toBe('zoom-out');
    expect(compareKeyAction({ key: 'Tab' })).toBe('next-pane');
    expect(compareKeyAction({ key: 'Tab', shiftKey: true })).toBe('prev-pane');
    expect(compareKeyAction({ key: 'ArrowDown' })).toBe('pane-down');
    expect(compareKeyAction({ key: 'Escape' })).toBe('close');
    // Shift+1 is one star there, 2–5 stars: not the compare view's.
    expect(compareKeyAction({ key: '!', shiftKey: true })).toBeNull();
    expect(compareKeyAction({ key: '3' })).toBeNull();
    expect(compareKeyAction({ key: '1', ctrlKey: true })).toBeNull();
  });
});

describe('viewer keys', () => {
  it('steps, closes and zooms', () => {
    expect(viewerKeyAction({ key: 'ArrowRight' })).toBe('next');
    expect(viewerKeyAction({ key: 'D' })).toBe('next');
    expect(viewerKeyAction({ key: 'ArrowLeft' })).toBe('prev');
    expect(viewerKeyAction({ key: 'Escape' })).toBe('close');
    expect(viewerKeyAction({ key: '+' })).toBe('zoom-in');
    expect(viewerKeyAction({ key: '-' })).toBe('zoom-out');
    expect(viewerKeyAction({ key: '0' })).toBeNull();
    expect(viewerKeyAction({ key: 'ArrowRight', metaKey: true })).toBeNull();
  });
});

describe('tree keys', () => {
  it('maps the tree navigation keys', () => {
    expect(treeKeyAction({ key: 'ArrowUp' })).toBe('up');
    expect(treeKeyAction({ key: 'End' })).toBe('end');
    expect(treeKeyAction({ key: 'ArrowRight' })).toBe('expand');
    expect(treeKeyAction({ key: 'ArrowLeft' })).toBe('collapse');
    expect(treeKeyAction({ key: 'Enter' })).toBe('open');
    expect(treeKeyAction({ key: 'w' })).toBeNull();
  });
});

describe('typing guard', () => {
  it('treats text fields as typing and buttons or sliders as not', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'search' })).toBe(true);
    expect(isTypingTarget({ tagName: 'input' })).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget({ tagName: 'INPUT', type: 'range' })).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('undo keys', () => {
  it('[UN18] Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z redoes; not while typing, not with Alt, not Z alone', () => {
    expect(undoKeyAction({ key: 'z', ctrlKey: true })).toBe('undo');
    expect(undoKeyAction({ key: 'z', metaKey: true })).toBe('undo');
    // Shift makes the key "Z".
    expect(undoKeyAction({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(undoKeyAction({ key: 'Z', metaKey: true, shiftKey: true })).toBe('redo');
    expect(undoKeyAction({ key: 'z' })).toBeNull();
    expect(undoKeyAction({ key: 'z', ctrlKey: true, altKey: true })).toBeNull();
    expect(undoKeyAction({ key: 'y', ctrlKey: true })).toBeNull();
    expect(undoKeyAction({ key: 'z', ctrlKey: true }, { tagName: 'TEXTAREA' })).toBeNull();
    expect(undoKeyAction({ key: 'z', ctrlKey: true }, { tagName: 'INPUT', type: 'text' })).toBeNull();
    expect(undoKeyAction({ key: 'z', ctrlKey: true }, { tagName: 'BUTTON' })).toBe('undo');
  });
});
