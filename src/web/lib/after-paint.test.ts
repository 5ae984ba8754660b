import { describe, expect, it } from 'vitest';
import { afterNextPaint, NO_FRAME_MS, type FrameTimers } from './after-paint.js';

/** Frames and timers run by hand: `frame()` is the browser drawing, `tick(ms)` time passing. */
function fakeTimers() {
  let now = 0;
  let frames: Array<() => void> = [];
  const timers = new Map<number, { at: number; fn: () => void }>();
  let seq = 0;
  const api: FrameTimers = {
    requestAnimationFrame: (fn) => frames.push(fn),
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void timers.delete(h as number),
  };
  const tick = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  };
  const frame = () => {
    const run = frames;
    frames = [];
    for (const fn of run) fn();
  };
  return { api, tick, frame, pending: () => timers.size };
}

describe('afterNextPaint', () => {
  it('runs after the next frame, in a task of its own, not before it', () => {
    const t = fakeTimers();
    const ran: string[] = [];
    afterNextPaint(() => ran.push('sent'), t.api);
    t.tick(0);
    expect(ran).toEqual([]);
    t.frame();
    expect(ran).toEqual([]);
    t.tick(0);
    expect(ran).toEqual(['sent']);
    t.tick(NO_FRAME_MS);
    expect(ran).toEqual(['sent']);
    expect(t.pending()).toBe(0);
  });

  it('runs once after NO_FRAME_MS when no frame comes (a hidden tab)', () => {
    const t = fakeTimers();
    const ran: string[] = [];
    afterNextPaint(() => ran.push('sent'), t.api);
    t.tick(NO_FRAME_MS - 1);
    expect(ran).toEqual([]);
    t.tick(1);
    expect(ran).toEqual(['sent']);
    t.frame();
    t.tick(0);
    expect(ran).toEqual(['sent']);
  });
});
