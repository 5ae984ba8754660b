import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * AWS Signature Version 4 for S3 GETs, with node:crypto only, plus the standard credential chain:
 * AWS_* environment variables, else the ~/.aws credentials and config files (AWS_PROFILE or
 * "default").
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Config {
  region: string;
  /** A custom endpoint (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3): path-style addressing. */
  endpoint?: URL;
  credentials?: AwsCredentials;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function loadS3Config(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): S3Config {
  const profile = env.AWS_PROFILE || 'default';
  const credentialsFile = readIni(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'));
  const configFile = readIni(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'));
  const fromCreds = credentialsFile[profile] ?? {};
  const fromConfig = configFile[profile === 'default' ? 'default' : `profile ${profile}`] ?? {};
  let credentials: AwsCredentials | undefined;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  } else if (fromCreds.aws_access_key_id && fromCreds.aws_secret_access_key) {
    credentials = {
      accessKeyId: fromCreds.aws_access_key_id,
      secretAccessKey: fromCreds.aws_secret_access_key,
      sessionToken: fromCreds.aws_session_token || undefined,
    };
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || fromConfig.region || fromCreds.region || 'us-east-1';
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || fromConfig.endpoint_url;
  return { region, credentials, endpoint: endpoint ? new URL(endpoint) : undefined };
}

/** Minimal INI reader for the AWS files: `[section]` and `key = value` lines. */
function readIni(file: string): Record<string, Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = out[header[1]!.trim()] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (section && eq > 0) section[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Parses `s3://bucket/key`. */
export function parseS3Url(value: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** The HTTPS URL of an object: path-style on a custom endpoint, virtual-hosted on AWS. */
export function objectUrl(config: S3Config, bucket: string, key: string): URL {
  const encodedKey = key.split('/').map(uriEncode).join('/');
  if (config.endpoint) {
    const base = config.endpoint.href.replace(/\/+$/, '');
    return new URL(`${base}/${uriEncode(bucket)}/${encodedKey}`);
  }
  return new URL(`https://${bucket}.s3.${config.region}.amazonaws.com/${encodedKey}`);
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignInput {
  method: string;
  url: URL;
  /** Extra headers to sign and send (e.g. range). */
  headers?: Record<string, string>;
  region: string;
  service?: string;
  credentials: AwsCredentials;
  now?: Date;
  payloadHash?: string;
}

/** Returns every header to send, including Authorization, x-amz-date and x-amz-content-sha256. */
export function signRequest(input: SignInput): Record<string, string> {
  const service = input.service ?? 's3';
  const amzDate = (input.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = input.payloadHash ?? EMPTY_SHA256;
  const headers: Record<string, string> = {
    host: input.url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  };
  if (input.credentials.sessionToken) headers['x-amz-security-token'] = input.credentials.sessionToken;
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  // The URL's pathname is already encoded once (objectUrl); S3 wants exactly that, not re-encoded.
  const canonicalRequest = [input.method, input.url.pathname || '/', query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${input.credentials.secretAccessKey}`, day);
  key = hmac(key, input.region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  const { host: _host, ...send } = headers;
  return {
    ...send,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
  };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
