import { describe, expect, it } from 'vitest';
import { pageHolds, pageSeesFolders, withAncestors } from './listing-scope.js';

const plain = (folder: string) => ['items', 'window', folder, 'name', 'asc', 0, 0];
const sub = (folder: string) => ['items', 'window', folder, 'name', 'asc', 0, 'sub:', 0];
const filtered = (folder: string) => ['items', 'window', folder, 'name', 'asc', 0, '[{"starsIn":[5]}]', 500];

describe('listing scope', () => {
  it('a plain window holds its own folder’s items only; subtree windows and searches hold the subtree', () => {
    expect(pageHolds(plain('/a'), '/a/x.jpg')).toBe(true);
    expect(pageHolds(plain('/a'), '/a/b/x.jpg')).toBe(false);
    expect(pageHolds(plain('/'), '/x.jpg')).toBe(true);
    expect(pageHolds(filtered('/a'), '/a/x.jpg')).toBe(true);
    expect(pageHolds(filtered('/a'), '/b/x.jpg')).toBe(false);
    expect(pageHolds(sub('/a'), '/a/b/x.jpg')).toBe(true);
    expect(pageHolds(sub('/a'), '/ab/x.jpg')).toBe(false);
    expect(pageHolds(['items', 'search', '/', 'x'], '/deep/x.jpg')).toBe(true);
    expect(pageHolds(['folders', 'dirs', '/'], '/x.jpg')).toBe(false);
  });

  it('changed folders reach the listings that show their items', () => {
    expect(pageSeesFolders(plain('/a'), ['/a'])).toBe(true);
    expect(pageSeesFolders(plain('/'), ['/a'])).toBe(false);
    expect(pageSeesFolders(sub('/'), ['/a/b'])).toBe(true);
    expect(pageSeesFolders(['items', 'search', '/a', 'q'], ['/b'])).toBe(false);
  });

  it('a listing key (a window key without its offset, as the app holds it) has the same scope', () => {
    const listing = (key: unknown[]) => key.slice(0, -1);
    expect(pageHolds(listing(sub('/a')), '/a/b/x.jpg')).toBe(true);
    expect(pageSeesFolders(listing(sub('/')), ['/a/b'])).toBe(true);
    expect(pageHolds(listing(plain('/a')), '/a/b/x.jpg')).toBe(false);
    expect(pageHolds(listing(filtered('/a')), '/a/x.jpg')).toBe(true);
    expect(pageSeesFolders(listing(filtered('/a')), ['/a/b'])).toBe(false);
  });

  it('ancestors go up to the root', () => {
    expect([...withAncestors(['/a/b', '/c'])].sort()).toEqual(['/', '/a', '/a/b', '/c']);
  });
});
