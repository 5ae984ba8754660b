import { memoryStorage, type KeyValueStorage } from '../client-identity.js';
import { applyOps, type LabelOps, type LabelState } from '../label-ops.js';
import type { Clock, FetchLike, ResponseLike } from '../write-queue.js';

/** A manual clock: timers run only when the test advances time. */
export class FakeClock implements Clock {
  t = 1_000_000;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => void this.timers.delete(handle as number);
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
    }
    this.t = end;
    await flush();
  }
  pending(): number {
    return this.timers.size;
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

export function response(status: number, body: unknown, headers: Record<string, string> = {}): ResponseLike {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { status, headers: { get: (n) => headers[n] ?? headers[n.toLowerCase()] ?? null }, text: async () => text };
}

export interface Call {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** An in-memory label server with the PATCH contract: versions, 409 with `current`, idempotency replay. */
export class FakeLabelServer {
  items = new Map<string, LabelState>();
  calls: Call[] = [];
  applied = 0;
  /** Set to make the next requests fail before reaching the server logic. */
  failures: Array<'network' | number | { status: number; headers?: Record<string, string>; body?: unknown }> = [];
  private cache = new Map<string, ResponseLike>();

  seed(path: string, state: Partial<LabelState> = {}): LabelState {
    const s: LabelState = { version: 1, star: null, flag: null, tags: [], notes: '', ...state };
    this.items.set(path, s);
    return s;
  }

  /** Someone else's write, straight into the store. */
  remote(path: string, ops: LabelOps): LabelState {
    const cur = this.items.get(path)!;
    const next = { ...applyOps(cur, ops), version: cur.version + 1 };
    this.items.set(path, next);
    return next;
  }

  fetch: FetchLike = async (url, init) => {
    const body = JSON.parse(init.body) as unknown;
    this.calls.push({ url, headers: init.headers, body });
    const fail = this.failures.shift();
    if (fail === 'network') throw new TypeError('Failed to fetch');
    if (typeof fail === 'number') return response(fail, { error: { code: 'internal', message: 'boom' } });
    if (fail) return response(fail.status, fail.body ?? { error: { code: 'internal', message: 'x' } }, fail.headers);
    const key = init.headers['Idempotency-Key']!;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let res: ResponseLike;
    if (url.startsWith('/items')) {
      const results = (body as Array<{ path: string } & Record<string, unknown>>).map((b) => {
        const r = this.patch(b.path, b);
        return { path: b.path, status: r.status === 200 ? 'ok' : r.status === 409 ? 'conflict' : 'not_found', ...(r.status === 200 ? { item: r.body } : (r.body as object)) };
      });
      res = response(200, { results });
    } else {
      const path = decodeURIComponent(url.split('path=')[1]!);
      const r = this.patch(path, body as Record<string, unknown>);
      res = response(r.status, r.body);
    }
    this.cache.set(key, res);
    return res;
  };

  private patch(path: string, body: Record<string, unknown>): { status: number; body: unknown } {
    const cur = this.items.get(path);
    if (!cur) return { status: 404, body: { error: { code: 'not_found', message: 'no item' } } };
    if (body.base_version !== cur.version) {
      const details = { base_version: body.base_version as number, current_version: cur.version };
      const current = { path, ...cur, metrics: {}, updated_at: 'now', updated_by: 'x' };
      return { status: 409, body: { error: { code: 'version_conflict', message: 'stale', details }, current } };
    }
    const { base_version: _b, path: _p, ...ops } = body;
    const next = { ...applyOps(cur, ops as LabelOps), version: cur.version + 1 };
    this.items.set(path, next);
    this.applied++;
    return { status: 200, body: { path, ...next, metrics: {}, updated_at: 'now', updated_by: 'x' } };
  }
}

export function storage(): KeyValueStorage {
  return memoryStorage();
}
