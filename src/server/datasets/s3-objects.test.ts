import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../../../test/table/local-s3.js';
import { parseS3Url, S3Objects } from './s3-objects.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.put('dir/a b.jpg', Buffer.from('JPEGBYTES'), 'image/jpeg');
  await s3.put('big.bin', Buffer.alloc(4096), 'application/octet-stream');
});
afterAll(() => s3.close());

/** The SDK's chain reads process.env and ~/.aws: point both at this test's own settings. */
function setAws(vars: Record<string, string>): void {
  const home = mkdtempSync(path.join(os.tmpdir(), 'lenslet-aws-'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(home, 'credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', path.join(home, 'config'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION']) vi.stubEnv(name, '');
  vi.stubEnv('AWS_ENDPOINT_URL', s3.endpoint);
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  writeFileSync(path.join(home, 'credentials'), `[work]\naws_access_key_id = ${LOCAL_S3_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${LOCAL_S3_CREDENTIALS.secretAccessKey}\n[stranger]\naws_access_key_id = NOBODY\naws_secret_access_key = x\n`);
  writeFileSync(path.join(home, 'config'), '[profile work]\nregion = eu-west-1\n');
}

const envKeys = { AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey };
let objects: S3Objects | undefined;
beforeEach(() => {
  objects = undefined;
});
afterEach(() => {
  objects?.close();
  vi.unstubAllEnvs();
});

describe('S3 objects through the SDK, against a local S3-compatible server', () => {
  it('parses s3:// URLs', () => {
    expect(parseS3Url('s3://bkt/k/1.jpg')).toEqual({ bucket: 'bkt', key: 'k/1.jpg' });
    expect(parseS3Url('s3://bkt')).toBeUndefined();
  });

  it('reads a nested key with spaces, path-style on the custom endpoint, with credentials from the environment', async () => {
    setAws(envKeys);
    objects = new S3Objects();
    const got = await objects.get('s3://bucket/dir/a b.jpg');
    expect(got.body.toString()).toBe('JPEGBYTES');
    expect(got.contentType).toBe('image/jpeg');
  });

  it('takes credentials from an ini profile (AWS_PROFILE)', async () => {
    setAws({ AWS_PROFILE: 'work' });
    objects = new S3Objects();
    expect((await objects.get('s3://bucket/dir/a b.jpg')).body.toString()).toBe('JPEGBYTES');
  });

  it('maps errors as for plain URLs: missing → not_found, refused credentials → upstream_failed', async () => {
    setAws(envKeys);
    objects = new S3Objects();
    await expect(objects.get('s3://bucket/nope.jpg')).rejects.toMatchObject({ code: 'not_found' });
    objects.close();
    setAws({ AWS_PROFILE: 'stranger' });
    objects = new S3Objects();
    await expect(objects.get('s3://bucket/dir/a b.jpg')).rejects.toMatchObject({ code: 'upstream_failed', message: expect.stringMatching(/denied/) });
  });

  it('caps the size, and stops when the caller aborts', async () => {
    setAws(envKeys);
    objects = new S3Objects({ maxBytes: 1024 });
    await expect(objects.get('s3://bucket/big.bin')).rejects.toMatchObject({ code: 'payload_too_large' });
    const gone = new AbortController();
    gone.abort();
    await expect(objects.get('s3://bucket/dir/a b.jpg', gone.signal)).rejects.toMatchObject({ code: 'upstream_failed' });
  });

  it('bounds requests in flight', async () => {
    setAws(envKeys);
    objects = new S3Objects({ concurrency: 2 });
    const all = await Promise.all(Array.from({ length: 6 }, () => objects!.get('s3://bucket/dir/a b.jpg')));
    expect(all.every((o) => o.body.toString() === 'JPEGBYTES')).toBe(true);
  });

  it('sends unsigned requests when the chain finds no credentials (public buckets)', async () => {
    let authorization: string | undefined = 'not asked';
    const server = http.createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 3 }).end('PNG');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      setAws({ AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      objects = new S3Objects();
      expect((await objects.get('s3://public/a.png')).body.toString()).toBe('PNG');
      expect(authorization).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
