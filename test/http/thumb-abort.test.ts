import { describe, expect, it } from 'vitest';
import { startTestServer } from '../factories/test-server.js';

describe('thumbnail requests whose client went away', () => {
  it('are dropped from the queue, and the server keeps serving', async () => {
    const tree: Record<string, { w: number; h: number }> = {};
    // PNG has no shrink-on-load, so each of these takes sharp a while to decode.
    for (let i = 0; i < 16; i++) tree[`big${i}.png`] = { w: 2400, h: 1800 };
    const t = await startTestServer(tree, { thumbConcurrency: 1, thumbCache: false, labels: false });
    try {
      const controllers = Object.keys(tree).map(() => new AbortController());
      const requests = Object.keys(tree).map((name, i) =>
        fetch(`${t.url}/thumb?path=/${name}`, { signal: controllers[i]!.signal }).catch((error: Error) => error.name),
      );
      // Abort once at least 10 jobs wait behind the single worker. The server runs in this process,
      // so nothing can finish between this check and the aborts: no timing guess involved.
      const stats = () => t.server.services.thumbnails.stats();
      await until(() => stats().queued >= 10);
      for (const c of controllers) c.abort();
      const outcomes = await Promise.all(requests);
      expect(outcomes.filter((o) => o === 'AbortError').length).toBeGreaterThan(8); // most were still waiting

      await until(() => stats().queued === 0 && stats().active === 0);
      expect(stats().memoryItems).toBeLessThan(Object.keys(tree).length); // the queued ones never ran

      const again = await t.get('/thumb?path=/big15.png');
      expect(again.status).toBe(200);
      expect((await t.json('/health')).body.ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});

/** Checks again after pending I/O has run, until `check` holds; the test's timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}
