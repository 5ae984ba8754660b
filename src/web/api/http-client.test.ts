/// <reference types="vite/client" />
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError, apiUrl, requestJson, thumbUrl } from './http-client.js';

const schema = z.object({ n: z.number() });
const respond = (body: unknown, status = 200) =>
  vi.stubGlobal('fetch', vi.fn(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })));

afterEach(() => vi.unstubAllGlobals());

describe('http client', () => {
  it('builds query strings with encoded paths and skips empty values', () => {
    expect(apiUrl('/folders', { path: '/Café ☕ & co', offset: 0, seed: undefined, recursive: false })).toBe(
      '/folders?path=%2FCaf%C3%A9+%E2%98%95+%26+co&offset=0&recursive=0',
    );
    expect(thumbUrl('/a b.jpg')).toBe('/thumb?path=%2Fa+b.jpg');
    expect(apiUrl('/health')).toBe('/health');
  });

  it('returns the validated body', async () => {
    respond({ n: 3 });
    await expect(requestJson('/x', schema)).resolves.toEqual({ n: 3 });
  });

  it('turns the JSON error body into a typed ApiError', async () => {
    respond({ error: { code: 'folder_not_found', message: 'folder not found: /nope' } }, 404);
    const error = await requestJson('/folders', schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'folder_not_found', message: 'folder not found: /nope' });
  });

  it('reports non-JSON failures and protocol mismatches', async () => {
    respond('<html>bad gateway</html>', 502);
    await expect(requestJson('/x', schema)).rejects.toMatchObject({ status: 502, code: 'http_error' });
    respond({ n: 'three' });
    await expect(requestJson('/x', schema)).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('maps network failures to ApiError but lets aborts through', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(requestJson('/x', schema)).rejects.toMatchObject({ status: 0, code: 'network_error' });
    const abort = new DOMException('aborted', 'AbortError');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(abort)));
    await expect(requestJson('/x', schema)).rejects.toBe(abort);
  });
});
