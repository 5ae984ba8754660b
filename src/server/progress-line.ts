import type { DatasetSource } from './datasets/dataset-source.js';

const INTERVAL_MS = 250;

/**
 * Indexing progress in the terminal: one line rewritten in place on a TTY ("12,345 found,
 * 8,000 indexed (21,000/s)"), and a single summary line when done (the only line when piped).
 */
export function startProgressLine(source: DatasetSource, out: NodeJS.WriteStream): { stop(): void } {
  const tty = Boolean(out.isTTY);
  let drawn = false;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const timer = setInterval(() => {
    const p = source.progress();
    const seconds = Math.max(0.001, ((p.finishedAt ?? Date.now()) - p.startedAt) / 1000);
    if (p.state === 'done') {
      if (tty && drawn) out.write('\r\x1b[2K');
      out.write(`Indexed ${fmt(p.total)} images in ${seconds.toFixed(1)} s (${fmt(Math.round(p.total / seconds))}/s)\n`);
      clearInterval(timer);
      return;
    }
    if (!tty) return;
    // The rate of the phase under way: finding files (names + stat), then reading their sizes.
    const phaseSeconds = p.scannedAt === null ? seconds : Math.max(0.001, (Date.now() - p.scannedAt) / 1000);
    const rate = Math.round((p.scannedAt === null ? p.total : p.done) / phaseSeconds);
    out.write(`\r\x1b[2KIndexing: ${fmt(p.total)} found, ${fmt(p.done)} measured (${fmt(rate)}/s)`);
    drawn = true;
  }, INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
