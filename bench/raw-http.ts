import { connect, type Socket } from 'node:net';

/**
 * The throughput benches' client: one keep-alive TCP connection, one request at a time, the
 * request written as one string and the reply read by its Content-Length. The clients share the
 * machine's cores with the servers they measure (and PostgreSQL), so every microsecond they spend
 * is one the servers do not get: `http.request` (an agent, a URL, header objects and a parser
 * per request) cost about as much CPU per write as a whole PostgreSQL commit.
 */
export class RawHttpConnection {
  private readonly socket: Socket;
  private readonly opened: Promise<void>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiting: { resolve(reply: RawReply): void; reject(error: Error): void } | null = null;
  private failure: Error | null = null;
  /** The Host line and the caller's headers, the same on every request. */
  private readonly fixed: string;

  constructor(
    url: string,
    /** Lines sent with every request (`Name: value`), e.g. a cookie. */
    headers: Record<string, string> = {},
  ) {
    const { hostname, port } = new URL(url);
    this.fixed = `Host: ${hostname}:${port}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}`;
    this.socket = connect({ host: hostname, port: Number(port), noDelay: true });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** One request with a JSON body (already serialised); resolves with the status and body text. */
  async request(method: string, target: string, json: string, headers: string): Promise<RawReply> {
    await this.opened;
    if (this.failure) throw this.failure;
    if (this.waiting) throw new Error('one request at a time');
    const reply = new Promise<RawReply>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
    this.socket.write(
      `${method} ${target} HTTP/1.1\r\n${this.fixed}${headers}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const headEnd = all.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = all.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.fail(new Error(`a reply without Content-Length: ${head}`));
      return;
    }
    const end = headEnd + 4 + Number(length[1]);
    if (all.length < end) {
      this.chunks = [all];
      return;
    }
    const reply = { status: Number(head.slice(9, 12)), body: all.toString('utf8', headEnd + 4, end) };
    this.chunks = end < all.length ? [all.subarray(end)] : [];
    this.buffered = all.length - end;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}

export interface RawReply {
  status: number;
  body: string;
}
