import { type Readable, addAbortSignal } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../app-error.js';
import { Limiter } from '../lib/limiter.js';
import { type GuardedAgents, guardedAgents } from './guarded-agent.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS } from './remote-fetch.js';

/**
 * Reads `s3://bucket/key` objects with the AWS SDK. Credentials come from the SDK's default chain
 * (environment, SSO, ini profiles, credential_process, container and instance roles, refreshed
 * before they expire); with none found, requests go unsigned so public buckets still work. A
 * custom endpoint (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: MinIO, s3rver, ...) is addressed
 * path-style, as those servers expect.
 *
 * No address guard here, unlike plain URLs: the host is never taken from the table. It is AWS's own
 * (`<bucket>.s3.<region>.amazonaws.com`, or path-style on AWS when the bucket is not a DNS label;
 * inside a VPC it may resolve to a private address) or the endpoint the operator configured, which
 * may well be on loopback. The pool enforces exactly that at connect time: it only connects to
 * AWS hosts and the configured endpoint, and it is this client's alone, so a socket opened to a
 * private endpoint is never handed to a row's URL (those go through RemoteFetcher's guarded pool).
 */
export interface S3ObjectsOptions {
  timeoutMs?: number;
  concurrency?: number;
  maxBytes?: number;
  /** Where region and endpoint are read; default process.env. Credentials use the SDK's chain. */
  env?: NodeJS.ProcessEnv;
}

export interface S3Object {
  body: Buffer;
  contentType: string | undefined;
}

/** Parses `s3://bucket/key`. */
export function parseS3Url(value: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** The endpoint the operator set for S3, if any. */
export function configuredEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The SDK, imported on the first S3 read: loading it costs 15-20 MB of RSS that folders and tables
 * without s3:// sources would otherwise carry for nothing.
 */
type Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Promise<Sdk> | undefined;
const loadSdk = (): Promise<Sdk> => (sdk ??= import('@aws-sdk/client-s3'));

export class S3Objects {
  private client: Promise<S3Client> | undefined;
  private readonly limiter: Limiter;
  private readonly agents: GuardedAgents;
  private readonly env: NodeJS.ProcessEnv;
  /** Read once: the pool's host rule and the client must agree on it. */
  private readonly endpoint: string | undefined;

  constructor(private readonly options: S3ObjectsOptions = {}) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.limiter = new Limiter(concurrency);
    this.env = options.env ?? process.env;
    this.endpoint = configuredEndpoint(this.env);
    this.agents = guardedAgents(concurrency, { refuseHost: s3HostRule(this.endpoint) });
  }

  /** The object's bytes; throws AppError (not_found, upstream_failed, payload_too_large). */
  get(url: string, signal?: AbortSignal): Promise<S3Object> {
    const target = parseS3Url(url);
    if (!target) return Promise.reject(new AppError('not_found', `not an S3 object URL: ${url}`));
    return this.limiter.run(() => this.fetch(url, target.bucket, target.key, signal));
  }

  close(): void {
    void this.client?.then(
      (client) => client.destroy(),
      () => undefined, // never created: nothing to release
    );
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async fetch(label: string, bucket: string, key: string, signal: AbortSignal | undefined): Promise<S3Object> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    // One deadline for headers and body, as for plain URLs; the client leaving aborts as well.
    const deadline = AbortSignal.timeout(timeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      this.client ??= this.createClient();
      const client = await this.client;
      const { GetObjectCommand } = await loadSdk();
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal });
      const declared = response.ContentLength ?? 0;
      const body = response.Body as Readable | undefined;
      if (declared > maxBytes) {
        body?.destroy();
        throw new AppError('payload_too_large', `${label}: ${declared} bytes is over the ${maxBytes}-byte limit`);
      }
      return { body: body ? await readCapped(addAbortSignal(abortSignal, body), maxBytes, label) : Buffer.alloc(0), contentType: response.ContentType };
    } catch (error) {
      if (deadline.aborted && !signal?.aborted) throw new AppError('upstream_failed', `${label}: timed out after ${timeoutMs} ms`);
      throw mapS3Error(error, label, await sdk?.catch(() => undefined));
    }
  }

  private async createClient(): Promise<S3Client> {
    const endpoint = this.endpoint;
    const [{ S3Client }, { fromNodeProviderChain }] = await Promise.all([loadSdk(), import('@aws-sdk/credential-providers')]);
    const chain = fromNodeProviderChain();
    const signed = await chain().then(
      () => true,
      () => false,
    );
    return new S3Client({
      region: await this.region(S3Client),
      endpoint,
      forcePathStyle: endpoint !== undefined,
      // A default region (us-east-1) still reaches buckets elsewhere: S3 says where, the SDK follows.
      followRegionRedirects: true,
      credentials: signed ? chain : { accessKeyId: '', secretAccessKey: '' },
      ...(signed ? {} : { signer: { sign: async (request) => request } }),
      requestHandler: { httpAgent: this.agents.http, httpsAgent: this.agents.https, requestTimeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS },
    });
  }

  /** AWS_REGION, AWS_DEFAULT_REGION, the profile's region (the SDK reads it), else us-east-1. */
  private async region(S3Client: Sdk['S3Client']): Promise<string> {
    const fromEnv = this.env.AWS_REGION || this.env.AWS_DEFAULT_REGION;
    if (fromEnv) return fromEnv;
    const probe = new S3Client({});
    try {
      return await probe.config.region();
    } catch {
      return 'us-east-1'; // the SDK throws "Region is missing" when no profile names one
    } finally {
      probe.destroy();
    }
  }
}

/** The hosts an S3 request may go to: AWS's, and the configured endpoint's. */
export function s3HostRule(endpoint: string | undefined): (host: string) => Error | undefined {
  const own = endpoint === undefined ? undefined : new URL(endpoint).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (host) => {
    const name = host.toLowerCase().replace(/\.$/, '');
    if (name === own || /(^|\.)amazonaws\.com(\.cn)?$/.test(name)) return undefined;
    return new Error(`refusing to connect to ${host} for S3: not AWS and not the configured endpoint`);
  };
}

async function readCapped(body: Readable, maxBytes: number, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      body.destroy();
      throw new AppError('payload_too_large', `${label}: body over the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The same errors as for plain URLs: missing → not_found, denied or failed → upstream_failed. */
function mapS3Error(error: unknown, label: string, loaded: Sdk | undefined): AppError {
  if (error instanceof AppError) return error;
  if (loaded && error instanceof loaded.S3ServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    if (status === 404 || status === 410 || error.name === 'NoSuchKey') return new AppError('not_found', `${label}: not found upstream (${status || 404})`);
    if (status === 401 || status === 403) return new AppError('upstream_failed', `${label}: access denied upstream (${status})`);
    return new AppError('upstream_failed', `${label}: upstream answered ${status || error.name}`);
  }
  return new AppError('upstream_failed', `${label}: ${(error as Error).message ?? String(error)}`);
}
