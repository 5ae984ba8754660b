import { describe, expect, it } from 'vitest';
import { MAX_PANE_HEIGHT, MAX_SHEET_WIDTH, captionSvg, escapeXml, fitName, initialPaneHeight, labelLine, layoutSheet, tallestWithin } from './comparison-layout.js';

describe('comparison sheet layout', () => {
  it('[CX3] puts panes in one row at a common height, keeping each aspect ratio', () => {
    const layout = layoutSheet([{ w: 400, h: 300 }, { w: 100, h: 400 }], 600, false);
    expect(layout.panes.map((p) => [p.width, p.height])).toEqual([[800, 600], [150, 600]]);
    expect(layout.panes[1]!.left).toBe(layout.panes[0]!.left + 800 + layout.gap);
    expect(layout.width).toBe(layout.gap * 3 + 950);
    expect(layoutSheet([{ w: 400, h: 300 }], 600, true).height).toBeGreaterThan(layout.height);
  });

  it('[CX4] starts at the tallest source, within the pane, pixel and width bounds', () => {
    expect(initialPaneHeight([{ w: 50, h: 40 }, { w: 80, h: 90 }], 1e9, false)).toBe(90);
    expect(initialPaneHeight([{ w: 5000, h: 5000 }], 1e9, false)).toBe(MAX_PANE_HEIGHT);
    const h = initialPaneHeight([{ w: 2000, h: 2000 }, { w: 2000, h: 2000 }], 1_000_000, false);
    const l = layoutSheet([{ w: 2000, h: 2000 }, { w: 2000, h: 2000 }], h, false);
    expect(l.width * l.height).toBeLessThanOrEqual(1_000_000);
    const panoramas = [1, 2, 3, 4].map(() => ({ w: 20_000, h: 1000 }));
    expect(layoutSheet(panoramas, tallestWithin(panoramas, MAX_SHEET_WIDTH, false), false).width).toBeLessThanOrEqual(MAX_SHEET_WIDTH);
  });

  it('[CX3] shortens long names in the middle and escapes markup', () => {
    expect(fitName('short.jpg', 20)).toBe('short.jpg');
    const fitted = fitName('IMG_20240101_123456_final_v2.jpg', 15);
    expect([...fitted]).toHaveLength(15);
    expect(fitted.startsWith('IMG_20')).toBe(true);
    expect(fitted.endsWith('v2.jpg')).toBe(true);
    expect(escapeXml('a&b <c> "d"')).toBe('a&#38;b &#60;c&#62; &#34;d&#34;');
    const svg = captionSvg(layoutSheet([{ w: 10, h: 10 }, { w: 10, h: 10 }], 300, true), ['<x>.jpg', 'y&z.jpg'], [{ star: 3, flag: 'pick' }, undefined]);
    expect(svg).toContain('&#60;x&#62;.jpg');
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('★★★☆☆ · Pick');
    expect(svg).toContain('Unrated');
  });

  it('[CX3] writes stars as filled and empty stars, then the flag', () => {
    expect(labelLine({ star: 5, flag: null })).toBe('★★★★★');
    expect(labelLine({ star: null, flag: null })).toBe('Unrated');
    expect(labelLine({ star: 2, flag: 'reject' })).toBe('★★☆☆☆ · Reject');
    expect(labelLine({ star: null, flag: 'pick' })).toBe('Unrated · Pick');
  });
});
