import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * CPU profiles of the stretches between stats reports: a benchmark asks for stats right before
 * and right after what it measures, so odd reports start a profile and even ones write it to
 * `dir` (start-up, prefill and the rest stay out of it, unlike `node --cpu-prof`).
 */
export function profileBetweenReports(dir: string): () => void {
  const session = new Session();
  session.connect();
  let running: Promise<void> | null = null;
  let n = 0;
  return () => {
    if (!running) {
      running = session.post('Profiler.enable').then(() => session.post('Profiler.start'));
      return;
    }
    const started = running;
    running = null;
    const file = join(dir, `window-${process.pid}-${++n}.cpuprofile`);
    void started
      .then(() => session.post('Profiler.stop'))
      .then(({ profile }) => writeFileSync(file, JSON.stringify(profile)));
  };
}
