import http from 'node:http';

export interface StreamOutcome {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  /** `item-updated` frames seen. */
  items: number;
  /** The `resync` frame's data, if one came. */
  resync: string | null;
  body: string;
}

export interface StreamOptions {
  headers?: Record<string, string>;
  /** Ends the stream (and settles) once this holds; checked after every chunk. */
  until?: (o: StreamOutcome) => boolean;
  /** Ends the stream as soon as the answer's headers arrive. */
  dropAtOnce?: boolean;
  /** Keep the first this many characters of the body (error answers, small streams). Default 4096. */
  keep?: number;
}

/**
 * A raw SSE client for floods of streams: counts bytes and frames without parsing JSON, so the
 * test or bench process stays light while hundreds of them run. Settles when the stream ends.
 */
export function rawStream(url: string, options: StreamOptions = {}): { done: Promise<StreamOutcome>; close(): void } {
  let req!: http.ClientRequest;
  const done = new Promise<StreamOutcome>((resolve) => {
    const outcome: StreamOutcome = { status: 0, headers: {}, bytes: 0, items: 0, resync: null, body: '' };
    const keep = options.keep ?? 4096;
    let tail = '';
    req = http.get(url, { headers: { accept: 'text/event-stream', ...options.headers }, agent: false }, (res) => {
      outcome.status = res.statusCode ?? 0;
      outcome.headers = res.headers;
      if (options.dropAtOnce) {
        req.destroy();
        resolve(outcome);
        return;
      }
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => {
        outcome.bytes += chunk.length;
        if (outcome.body.length < keep) outcome.body += chunk.slice(0, keep - outcome.body.length);
        const text = tail + chunk;
        outcome.items += count(text, 'event: item-updated') - count(tail, 'event: item-updated');
        const at = text.indexOf('event: resync');
        if (at >= 0 && outcome.resync === null) {
          const line = /data: (.*)\n/.exec(text.slice(at));
          outcome.resync = line?.[1] ?? '';
        }
        tail = text.slice(-256);
        if (options.until?.(outcome)) req.destroy();
      });
      res.on('close', () => resolve(outcome));
    });
    req.on('error', () => resolve(outcome));
  });
  return { done, close: () => req.destroy() };
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}
