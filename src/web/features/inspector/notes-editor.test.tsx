// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTES_DEBOUNCE_MS, NotesEditor } from './notes-editor.js';

describe('notes editor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  const box = (c: HTMLElement) => c.querySelector('textarea')!;

  it('saves after a pause in typing, once', () => {
    const onSave = vi.fn();
    const { container } = render(<NotesEditor path="/a.jpg" value="" onSave={onSave} />);
    fireEvent.change(box(container), { target: { value: 'he' } });
    act(() => void vi.advanceTimersByTime(NOTES_DEBOUNCE_MS - 100));
    fireEvent.change(box(container), { target: { value: 'hello' } });
    expect(onSave).not.toHaveBeenCalled();
    act(() => void vi.advanceTimersByTime(NOTES_DEBOUNCE_MS));
    expect(onSave).toHaveBeenCalledExactlyOnceWith('/a.jpg', 'hello');
  });

  it('saves at once on blur', () => {
    const onSave = vi.fn();
    const { container } = render(<NotesEditor path="/a.jpg" value="" onSave={onSave} />);
    fireEvent.change(box(container), { target: { value: 'x' } });
    fireEvent.blur(box(container));
    expect(onSave).toHaveBeenCalledExactlyOnceWith('/a.jpg', 'x');
    act(() => void vi.advanceTimersByTime(5_000));
    expect(onSave).toHaveBeenCalledTimes(1);
  });

  it('keeps unsent typing when someone else’s notes arrive, and shows theirs otherwise', () => {
    const onSave = vi.fn();
    const { container, rerender } = render(<NotesEditor path="/a.jpg" value="old" onSave={onSave} />);
    rerender(<NotesEditor path="/a.jpg" value="theirs" onSave={onSave} />);
    expect(box(container).value).toBe('theirs');
    fireEvent.change(box(container), { target: { value: 'mine, typing' } });
    rerender(<NotesEditor path="/a.jpg" value="theirs again" onSave={onSave} />);
    expect(box(container).value).toBe('mine, typing');
    act(() => void vi.advanceTimersByTime(NOTES_DEBOUNCE_MS));
    expect(onSave).toHaveBeenCalledWith('/a.jpg', 'mine, typing');
  });

  it('sends what was typed for the item being left when the selection moves on', () => {
    const onSave = vi.fn();
    const { container, rerender } = render(<NotesEditor path="/a.jpg" value="" onSave={onSave} />);
    fireEvent.change(box(container), { target: { value: 'for a' } });
    rerender(<NotesEditor path="/b.jpg" value="b notes" onSave={onSave} />);
    expect(onSave).toHaveBeenCalledExactlyOnceWith('/a.jpg', 'for a');
    expect(box(container).value).toBe('b notes');
  });
});
