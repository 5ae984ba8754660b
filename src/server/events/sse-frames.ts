import type { ServerResponse } from 'node:http';

/** An event serialised for the wire, once for every client that gets it. */
export interface Frame {
  id: number | null;
  text: string;
  /** UTF-8 size of `text`. */
  bytes: number;
}

export function frame(type: string, data: unknown, id: number | null): Frame {
  const json = JSON.stringify(data);
  const text = id === null ? `event: ${type}\ndata: ${json}\n\n` : `event: ${type}\nid: ${id}\ndata: ${json}\n\n`;
  return { id, text, bytes: Buffer.byteLength(text) };
}

/** Resolves true once `res` has drained, false when it closed or `timeoutMs` passed first. */
export function drained(res: ServerResponse, timeoutMs: number): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
