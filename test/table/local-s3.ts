import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * A local S3-compatible server (s3rver) on loopback with one bucket. It knows one account,
 * S3RVER / S3RVER, and refuses requests signed with any other access key (InvalidAccessKeyId,
 * 403), so a request it serves was signed with the credentials the SDK's chain found. It does
 * not recompute SigV4 signatures: the SDK's signer is the SDK's to test.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'bucket'): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'lenslet-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS });
  return {
    endpoint,
    bucket,
    put: async (key, body, contentType) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
