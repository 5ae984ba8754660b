import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '../../src/server/datasets/s3-signer.js';

/**
 * A loopback S3 stand-in that checks SigV4 on every GET: it rebuilds the signature from the
 * request exactly as received (path, host with port, the signed headers and their values) and
 * answers 403 SignatureDoesNotMatch when it differs. The signing algorithm itself is pinned by
 * AWS's published example in remote-sources.test.ts; this checks what goes over the wire.
 */
export interface S3Stub {
  endpoint: string;
  requests: number;
  rejected: number;
  close(): Promise<void>;
}

export async function startS3Stub(objects: Map<string, { body: Buffer; type: string }>, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<S3Stub> {
  const stub = { requests: 0, rejected: 0 } as S3Stub;
  const server = http.createServer((req, res) => {
    stub.requests++;
    const auth = req.headers.authorization ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(auth);
    const deny = (code: string) => {
      stub.rejected++;
      res.writeHead(403, { 'content-type': 'application/xml' }).end(`<Error><Code>${code}</Code></Error>`);
    };
    if (!m || m[1] !== credentials.accessKeyId) return deny('AccessDenied');
    const signed = m[4]!.split(';');
    const extra: Record<string, string> = {};
    for (const name of signed) {
      if (['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'].includes(name)) continue;
      extra[name] = String(req.headers[name] ?? '');
    }
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const now = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const expected = signRequest({
      method: req.method ?? 'GET',
      url,
      headers: extra,
      region: m[3]!,
      credentials: { ...credentials, sessionToken: req.headers['x-amz-security-token'] as string | undefined },
      now,
      payloadHash: String(req.headers['x-amz-content-sha256'] ?? ''),
    });
    if (Number.isNaN(now.getTime()) || expected.authorization !== auth) return deny('SignatureDoesNotMatch');
    const key = decodeURIComponent(url.pathname);
    const object = objects.get(key);
    if (!object) return res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
    res.writeHead(200, { 'content-type': object.type, 'content-length': object.body.length }).end(object.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return stub;
}
