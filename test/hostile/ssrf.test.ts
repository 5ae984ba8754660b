import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { launch, type Launched } from '../../src/server/launch.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../table/local-s3.js';

/**
 * Issue 9, table sources: a keep-alive socket trusted for the S3 endpoint must not carry a row's
 * private URL, and a redirect from a trusted hop must not reach a private address. Everything
 * here listens on 127.0.0.1, which only --allow-private-urls lets a row's URL reach.
 */

let png: Buffer;
let images: http.Server;
let imageHits = 0;
let imageBase: string;
let s3: LocalS3;
let running: Launched | undefined;

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const useS3Endpoint = (endpoint: string) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lenslet-aws-'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(home, 'credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', path.join(home, 'config'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_S3_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_S3_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
};
const start = async (rows: { source: string; path: string }[], allowPrivateUrls = false) => {
  running = await launch({ rows, port: 0, webDir: null, allowPrivateUrls });
  await running.server.source.whenIdle();
  return running;
};
const file = async (server: Launched, p: string) => {
  const response = await fetch(`${server.url}/file?path=${encodeURIComponent(p)}`);
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, body, json: () => JSON.parse(body.toString()) };
};

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer();
  images = http.createServer((_req, res) => {
    imageHits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  imageBase = await listen(images);
  s3 = await startLocalS3();
  await s3.put('a.png', png, 'image/png');
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await s3.close();
  await new Promise<void>((resolve) => images.close(() => resolve()));
});

describe('row URLs never ride on a trusted connection', () => {
  it('refuses a row URL on the S3 endpoint’s own host and port, right after an S3 read pooled a socket there', async () => {
    useS3Endpoint(s3.endpoint);
    const server = await start([
      { source: 's3://bucket/a.png', path: '/s3.png' },
      { source: `${s3.endpoint}/bucket/a.png`, path: '/direct.png' },
      { source: `${imageBase.replace('127.0.0.1', 'localhost')}/img.png`, path: '/local.png' },
    ]);
    for (let round = 0; round < 2; round++) {
      expect((await file(server, '/s3.png')).status).toBe(200); // the operator's endpoint is trusted
      for (const p of ['/direct.png', '/local.png']) {
        const refused = await file(server, p);
        expect(refused.status, p).toBe(502);
        expect(refused.json().error, p).toMatchObject({ code: 'upstream_failed', details: { blocked: true } });
      }
    }
    expect(imageHits).toBe(0);
  });

  it('serves the same rows with --allow-private-urls (so the refusal above is the guard’s)', async () => {
    useS3Endpoint(s3.endpoint);
    const server = await start([{ source: `${imageBase}/img.png`, path: '/local.png' }], true);
    const served = await file(server, '/local.png');
    expect(served.status).toBe(200);
    expect(served.body.equals(png)).toBe(true);
  });

  it('does not follow a redirect from the trusted S3 endpoint to a private URL', async () => {
    const before = imageHits;
    const redirecting = http.createServer((_req, res) => res.writeHead(307, { location: `${imageBase}/img.png` }).end());
    useS3Endpoint(await listen(redirecting));
    try {
      const server = await start([{ source: 's3://bucket/a.png', path: '/s3.png' }]);
      const answer = await file(server, '/s3.png');
      expect(answer.status).toBe(502);
      expect(answer.body.includes(png)).toBe(false);
      expect(imageHits).toBe(before);
    } finally {
      redirecting.close();
    }
  });
});
