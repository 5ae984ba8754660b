import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the reply field by field and assert what they read
  body: any;
}

/** One JSON request with the answer's headers (Retry-After, Idempotency-Replayed). */
export function call(agent: http.Agent, base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `PATCH /item?path=` setting the star on `base`. */
export function setStar(agent: http.Agent, base: string, path: string, star: number, version: number, key: string, headers: Record<string, string> = {}): Promise<Reply> {
  return call(agent, base, 'PATCH', `/item?path=${encodeURIComponent(path)}`, { base_version: version, set_star: star }, { 'idempotency-key': key, ...headers });
}

export function getItem(agent: http.Agent, base: string, path: string): Promise<Reply> {
  return call(agent, base, 'GET', `/item?path=${encodeURIComponent(path)}`);
}
