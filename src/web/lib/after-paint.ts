/** The timers `afterNextPaint` uses (the browser's; tests pass their own). */
export interface FrameTimers {
  requestAnimationFrame: (fn: () => void) => unknown;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** No frame within this long (a hidden tab draws none): run anyway. */
export const NO_FRAME_MS = 100;

const browserTimers: FrameTimers = {
  requestAnimationFrame: (fn) => window.requestAnimationFrame(fn),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

/**
 * Runs `fn` once the next frame has been painted: a task queued from that frame's animation
 * callback runs after its paint. Work a key press causes but nobody sees in that frame (a request,
 * a presence beat) goes here, so the frame that shows the press's result is not kept waiting for
 * it. A hidden tab paints no frames: then `fn` runs after NO_FRAME_MS.
 */
export function afterNextPaint(fn: () => void, timers: FrameTimers = browserTimers): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    timers.clearTimeout(fallback);
    fn();
  };
  const fallback = timers.setTimeout(run, NO_FRAME_MS);
  timers.requestAnimationFrame(() => timers.setTimeout(run, 0));
}
