/**
 * Main-thread time of a page from a Chrome trace (`browser.startTracing` with the categories
 * below): what a step costs the renderer's main thread, independent of how long the machine made
 * it wait. Wall times on a shared 2-core machine mostly measure the load; the thread CPU time of
 * the tasks that ran (`tdur`) does not.
 */
export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { type?: string } };
}

export interface StepCost {
  /** Thread CPU time (ms) of the task that dispatched the keydown (handlers and React's sync render). */
  keydownTaskMs: number;
  /** Thread CPU time (ms) of every main-thread task from the keydown's task to the `painted` mark. */
  toPaintMs: number;
  /** Thread CPU time (ms) of every main-thread task from the keydown's task to the next keydown's. */
  stepMs: number;
}

/**
 * One StepCost per keydown, in order. `paintedMark` is a `performance.mark` name the page sets in
 * the frame it first shows the step's result; it also names the page's main thread.
 */
export function stepCosts(trace: Buffer, paintedMark: string): StepCost[] {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const marks = events.filter((e) => e.name === paintedMark && e.cat.includes('blink.user_timing') && e.ph !== 'e');
  if (!marks.length) return [];
  const thread = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const main = thread(marks[0]!);
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && thread(e) === main).sort((a, b) => a.ts - b.ts);
  const painted = marks.map((m) => m.ts).sort((a, b) => a - b);
  const keydowns = events
    .filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'keydown' && thread(e) === main)
    .sort((a, b) => a.ts - b.ts);
  const cpu = (t: TraceEvent) => (t.tdur ?? t.dur ?? 0) / 1000;
  const taskAt = (ts: number) => tasks.find((t) => t.ts <= ts && t.ts + (t.dur ?? 0) >= ts);
  const busy = (from: number, to: number) => tasks.filter((t) => t.ts + (t.dur ?? 0) > from && t.ts < to).reduce((sum, t) => sum + cpu(t), 0);
  return keydowns.map((kd, i) => {
    const task = taskAt(kd.ts);
    const start = task?.ts ?? kd.ts;
    const paint = painted.find((ts) => ts > kd.ts) ?? start;
    const next = keydowns[i + 1];
    const end = next ? (taskAt(next.ts)?.ts ?? next.ts) : (tasks.at(-1)?.ts ?? start);
    return { keydownTaskMs: task ? cpu(task) : 0, toPaintMs: busy(start, paint), stepMs: busy(start, end) };
  });
}
