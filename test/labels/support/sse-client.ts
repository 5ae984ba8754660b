import http from 'node:http';

export interface SseMessage {
  event: string;
  id: string | null;
  data: string;
  /** Parsed JSON data (null when the data is empty). */
  json: unknown;
  receivedAt: number;
}

/**
 * A minimal EventSource for tests and benchmarks: real socket, parsed frames, and waiting on
 * conditions rather than on time.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  /** Last `id:` seen, as EventSource tracks it (id-only frames included). */
  lastEventId: string | null = null;
  closed = false;
  status = 0;
  private req: http.ClientRequest | undefined;
  private waiters: { test: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  private buffer = '';
  private frame: { event: string; id: string | null; data: string[] } = { event: 'message', id: null, data: [] };
  onMessage?: (m: SseMessage) => void;

  static connect(url: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent }, (res) => {
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('close', () => {
          client.closed = true;
          client.wake();
        });
        resolve(client);
      });
      client.req.on('error', (error) => {
        client.closed = true;
        client.wake();
        reject(error);
      });
    });
  }

  /** Resolves when `test` holds (checked after every frame), rejects after `timeoutMs`. */
  until(test: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => [m.event, m.id]))}`));
      }, timeoutMs);
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  events(name: string): SseMessage[] {
    return this.messages.filter((m) => m.event === name);
  }

  waitForEvents(name: string, count: number, timeoutMs = 5000): Promise<SseMessage[]> {
    return this.until(() => this.events(name).length >= count, timeoutMs, `${count} ${name}`).then(() => this.events(name));
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
    this.wake();
  }

  private line(line: string): void {
    if (line === '') {
      const f = this.frame;
      this.frame = { event: 'message', id: null, data: [] };
      if (f.id !== null) this.lastEventId = f.id;
      if (f.data.length === 0) return;
      const data = f.data.join('\n');
      const message: SseMessage = { event: f.event, id: f.id, data, json: data ? (JSON.parse(data) as unknown) : null, receivedAt: performance.now() };
      this.messages.push(message);
      this.onMessage?.(message);
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.frame.event = value;
    else if (field === 'id') this.frame.id = value;
    else if (field === 'data') this.frame.data.push(value);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (w.test()) w.resolve();
      else if (this.closed) w.reject(new Error(`stream closed; got ${JSON.stringify(this.messages.map((m) => [m.event, m.id]))}`));
      else this.waiters.push(w);
    }
  }
}
