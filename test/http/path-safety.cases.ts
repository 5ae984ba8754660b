/**
 * Every route that takes a path, for the traversal suite in path-safety.test.ts. A route added
 * later (e.g. `/item`) adds one line here and gets the whole suite.
 */
export interface PathRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Builds the URL from an already percent-encoded path value. */
  url: (encodedPath: string) => string;
  body?: unknown;
  headers?: Record<string, string>;
}

export const PATH_ROUTES: PathRoute[] = [
  { method: 'GET', url: (p) => `/folders?path=${p}` },
  { method: 'GET', url: (p) => `/file?path=${p}` },
  { method: 'GET', url: (p) => `/thumb?path=${p}` },
  { method: 'GET', url: (p) => `/preview?path=${p}&w=1024` },
  { method: 'GET', url: (p) => `/metadata?path=${p}` },
  { method: 'GET', url: (p) => `/search?q=secret&path=${p}` },
  { method: 'POST', url: (p) => `/refresh?path=${p}` },
  { method: 'GET', url: (p) => `/item?path=${p}` },
  { method: 'GET', url: (p) => `/item/history?path=${p}` },
  { method: 'PUT', url: (p) => `/item?path=${p}`, body: { tags: ['x'], notes: '', star: null }, headers: { 'idempotency-key': 'c:1' } },
  { method: 'PATCH', url: (p) => `/item?path=${p}`, body: { base_version: 1, set_star: 3 }, headers: { 'idempotency-key': 'c:2' } },
];

/**
 * Hostile path values, already encoded for a query string. The suite puts `secret.jpg` (and a
 * `secret` folder) beside the served folder, so any of these that escaped would find them.
 */
export const HOSTILE_PATHS: string[] = [
  '..%2Fsecret.jpg',
  '%2F..%2Fsecret.jpg',
  '%2Fa%2F..%2F..%2Fsecret.jpg',
  '..',
  '%2F..',
  '%2e%2e%2Fsecret.jpg', // percent-encoded dots, decoded once by the router
  '%252e%252e%252Fsecret.jpg', // double-encoded
  '%25252e%25252e%25252Fsecret.jpg', // triple-encoded
  '..%5Csecret.jpg', // backslash
  '%2Fa%5C..%5C..%5Csecret.jpg',
  '%2Fa.jpg%00.png', // NUL byte
  'a.jpg%00',
  'C%3A%5CWindows%5Cwin.ini', // drive path
  'C%3A%2Fsecret.jpg',
  '%2F%2F..%2F%2Fsecret.jpg',
  '.%2F..%2Fsecret.jpg',
  '%2Fescape%2Fsecret.jpg', // a symlinked folder pointing outside the root
  '%2Fescape.jpg', // a symlinked file pointing outside the root
  '%2Fetc%2Fpasswd', // absolute host path
  '%2Fproc%2Fself%2Fenviron',
  '%2Fa%0Ab.jpg', // control character
];
