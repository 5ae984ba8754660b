import { describe, expect, it } from 'vitest';
import { atLeast, sourceFor, sourceUrl, viewerSource } from './image-source.js';

const big = { w: 6000, h: 4000 };

describe('sourceFor', () => {
  it('picks the smallest rendition edge that covers the drawn size', () => {
    expect(sourceFor(big, 675)).toEqual({ kind: 'preview', edge: 1024 });
    expect(sourceFor(big, 1024)).toEqual({ kind: 'preview', edge: 1024 });
    expect(sourceFor(big, 1350)).toEqual({ kind: 'preview', edge: 2048 });
    expect(sourceFor({ w: 3000, h: 4500 }, 2500)).toEqual({ kind: 'preview', edge: 3072 });
  });

  it('loads the original when the zoom needs more pixels than any rendition has, or at 100%', () => {
    expect(sourceFor(big, 3100)).toEqual({ kind: 'file' });
    expect(sourceFor(big, 6000)).toEqual({ kind: 'file' });
  });

  it('loads the original when a rendition would be as large as it, or its size is unknown', () => {
    expect(sourceFor({ w: 120, h: 90 }, 400)).toEqual({ kind: 'file' });
    expect(sourceFor({ w: 1000, h: 800 }, 500)).toEqual({ kind: 'file' });
    expect(sourceFor({ w: 1024, h: 800 }, 500)).toEqual({ kind: 'file' });
    expect(sourceFor({ w: 1200, h: 800 }, 500)).toEqual({ kind: 'preview', edge: 1024 });
    expect(sourceFor({ w: 0, h: 0 }, 500)).toEqual({ kind: 'file' });
  });
});

describe('atLeast', () => {
  it('only goes up: zooming out keeps the pixels already asked for', () => {
    const small = { kind: 'preview', edge: 1024 } as const;
    const large = { kind: 'preview', edge: 2048 } as const;
    expect(atLeast(null, small)).toEqual(small);
    expect(atLeast(small, large)).toEqual(large);
    expect(atLeast(large, small)).toEqual(large);
    expect(atLeast({ kind: 'file' }, large)).toEqual({ kind: 'file' });
  });
});

describe('sourceUrl', () => {
  it('names the rendition edge, or the original, under the media stamp', () => {
    expect(sourceUrl('/a b.jpg', { kind: 'preview', edge: 2048 }, '7')).toBe('/preview?path=%2Fa+b.jpg&w=2048&v=7');
    expect(sourceUrl('/a.jpg', { kind: 'file' }, undefined)).toBe('/file?path=%2Fa.jpg');
  });
});

describe('viewerSource', () => {
  const screen = { width: 1500, height: 900 };
  it('fits: the rendition covering the fitted size, the original of a small or unsized image, nothing before layout', () => {
    expect(viewerSource(big, screen, null)).toEqual({ kind: 'preview', edge: 2048 }); // 1350 px wide fitted
    expect(viewerSource({ w: 800, h: 600 }, screen, null)).toEqual({ kind: 'file' });
    expect(viewerSource(null, screen, null)).toEqual({ kind: 'file' });
    expect(viewerSource(big, { width: 0, height: 0 }, null)).toBeNull();
  });

  it('zoomed: the original once the drawn size passes the largest rendition', () => {
    expect(viewerSource(big, screen, 0.5)).toEqual({ kind: 'preview', edge: 3072 });
    expect(viewerSource(big, screen, 0.6)).toEqual({ kind: 'file' });
  });
});
