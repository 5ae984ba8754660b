import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE, decodeUrlState, encodeUrlState, keepUnchanged, type UrlState } from './url-state.js';

describe('url state', () => {
  it('encodes the default state as an empty query', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('');
    expect(decodeUrlState('')).toEqual(DEFAULT_URL_STATE);
  });

  it('round-trips folders with spaces, non-ASCII and reserved characters', () => {
    const state: UrlState = {
      path: '/Holidays 2024/Café ☕ & friends+more',
      view: '/Holidays 2024/Café ☕ & friends+more/ünïcode #1?.jpg',
      sort: 'added',
      order: 'asc',
      seed: 1,
      q: 'red car',
      labels: { stars: [], flags: [], tags: [] },
      metrics: [],
      sub: false,
      compare: [],
      wipe: false,
      similar: null,
    };
    const encoded = encodeUrlState(state);
    expect(encoded).toContain('path=/Holidays%202024/');
    expect(encoded).not.toMatch(/[ ☕#]/);
    expect(decodeUrlState(encoded)).toEqual(state);
  });

  it('round-trips the compared paths in order, with the wipe mode', () => {
    const compare = ['/b/Café ☕ & co.jpg', '/a/x,y.png', '/c.jpg'];
    const state: UrlState = { ...DEFAULT_URL_STATE, path: '/b', compare, wipe: true };
    const encoded = encodeUrlState(state);
    expect(encoded).toBe('?path=/b&compare=/b/Caf%C3%A9%20%E2%98%95%20%26%20co.jpg&compare=/a/x%2Cy.png&compare=/c.jpg&wipe=1');
    expect(decodeUrlState(encoded)).toEqual(state);
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, wipe: true })).toBe('');
  });

  it('compares 2 to 4 distinct canonical paths, or nothing', () => {
    expect(decodeUrlState('?compare=/a.jpg').compare).toEqual([]);
    expect(decodeUrlState('?compare=/a.jpg&compare=a.jpg').compare).toEqual([]);
    expect(decodeUrlState('?compare=/a.jpg&compare=/../b.jpg').compare).toEqual([]);
    expect(decodeUrlState('?compare=a//1.jpg&compare=/2.jpg&compare=/3.jpg&compare=/4.jpg&compare=/5.jpg').compare).toEqual(['/a/1.jpg', '/2.jpg', '/3.jpg', '/4.jpg']);
  });

  it('decodes + as a space, as forms and older links write it', () => {
    expect(decodeUrlState('?path=/a+b').path).toBe('/a b');
  });

  it('canonicalizes paths and rejects traversal', () => {
    expect(decodeUrlState('?path=a//b/').path).toBe('/a/b');
    expect(decodeUrlState('?path=/a/../etc').path).toBe('/');
    expect(decodeUrlState('?view=/x/../../y').view).toBeNull();
  });

  it('falls back per field on invalid values', () => {
    const s = decodeUrlState('?path=/a&sort=bogus&order=up&seed=-3');
    expect(s).toEqual({ ...DEFAULT_URL_STATE, path: '/a' });
  });

  it('defaults the order by sort key and only writes a non-default order', () => {
    expect(decodeUrlState('?sort=added').order).toBe('desc');
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, sort: 'added', order: 'desc' })).toBe('?sort=added');
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, sort: 'added', order: 'asc' })).toBe('?sort=added&order=asc');
  });

  it('keeps the seed only for the random sort', () => {
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, seed: 42 })).toBe('');
    const s = decodeUrlState(encodeUrlState({ ...DEFAULT_URL_STATE, sort: 'random', seed: 42 }));
    expect(s.sort).toBe('random');
    expect(s.seed).toBe(42);
  });

  it('round-trips a metric sort and star, tag and metric filters; older star/tag links still read', () => {
    const state: UrlState = {
      ...DEFAULT_URL_STATE,
      path: '/a b',
      sort: 'metric:aesthetic',
      order: 'desc',
      labels: { stars: [5, 0], flags: ['reject'], tags: ['cat'] },
      metrics: [{ metric: 'aesthetic', min: 0.5, max: null }],
      sub: true,
    };
    const encoded = encodeUrlState(state);
    expect(encoded).toBe('?path=/a%20b&sort=metric:aesthetic&sub=1&stars=5,0&flags=reject&tag=cat&m=aesthetic:0.5:');
    expect(decodeUrlState(encoded)).toEqual(state);
    expect(decodeUrlState('?stars=4&tag=dog').labels).toEqual({ stars: [4], flags: [], tags: ['dog'] });
    expect(decodeUrlState('?sort=metric:').sort).toBe('name');
    expect(decodeUrlState('?sort=metric:aesthetic&order=asc').order).toBe('asc');
  });

  it('keeps "Find similar" in the link: the item and the embedding', () => {
    const state = { ...DEFAULT_URL_STATE, path: '/trips', similar: { path: '/trips/a b.jpg', embedding: 'clip' } };
    const encoded = encodeUrlState(state);
    expect(encoded).toBe('?path=/trips&like=/trips/a%20b.jpg&emb=clip');
    expect(decodeUrlState(encoded)).toEqual(state);
    expect(decodeUrlState('?like=/a.jpg').similar).toBeNull();
  });

  it('[AV1] a viewer step keeps every other field as it was, filters included; a changed filter is new', () => {
    const filtered = '?path=%2Fa&stars=5,4&tag=cat&m=aesthetic:0.5:1&like=%2Fa%2Fx.jpg&emb=clip';
    const before = decodeUrlState(`${filtered}&view=%2Fa%2F1.jpg`);
    const after = keepUnchanged(before, decodeUrlState(`${filtered}&view=%2Fa%2F2.jpg`));
    expect(after.view).toBe('/a/2.jpg');
    expect(after.labels).toBe(before.labels);
    expect(after.metrics).toBe(before.metrics);
    expect(after.compare).toBe(before.compare);
    expect(after.similar).toBe(before.similar);
    expect(keepUnchanged(after, decodeUrlState(`${filtered}&view=%2Fa%2F2.jpg`))).toBe(after);
    const refiltered = keepUnchanged(after, decodeUrlState('?path=%2Fa&stars=5&tag=cat&m=aesthetic:0.5:1&like=%2Fa%2Fx.jpg&emb=clip&view=%2Fa%2F2.jpg'));
    expect(refiltered.labels).not.toBe(after.labels);
    expect(refiltered.labels.stars).toEqual([5]);
    expect(refiltered.metrics).toBe(after.metrics);
  });
});
