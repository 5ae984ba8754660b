import { describe, expect, it } from 'vitest';
import { FITTED, actualSizeZoom, clampZoom, imagePointAt, imageRect, panBy, paneScale, zoomAt, type PaneGeometry } from './compare-sync.js';

// Two panes of one size with images of different sizes and shapes, and a third pane of another size.
const wide: PaneGeometry = { boxW: 600, boxH: 400, imageW: 4000, imageH: 3000 };
const small: PaneGeometry = { boxW: 600, boxH: 400, imageW: 512, imageH: 512 };
const tall: PaneGeometry = { boxW: 300, boxH: 700, imageW: 1000, imageH: 2000 };
const panes = [wide, small, tall];

function expectPoint(actual: { x: number; y: number }, expected: { x: number; y: number }) {
  expect(actual.x).toBeCloseTo(expected.x, 9);
  expect(actual.y).toBeCloseTo(expected.y, 9);
}

describe('compare view: synced zoom and pan in relative image coordinates', () => {
  it('fits every image to its pane, centred, small images scaled up', () => {
    expect(paneScale(FITTED, wide)).toBeCloseTo(400 / 3000);
    expect(paneScale(FITTED, small)).toBeCloseTo(400 / 512);
    const r = imageRect(FITTED, small);
    expect(r.width).toBeCloseTo(400);
    expect(r.left).toBeCloseTo(100);
    expect(r.top).toBeCloseTo(0);
    for (const pane of panes) expectPoint(imagePointAt(FITTED, pane, { x: 0, y: 0 }), { x: 0.5, y: 0.5 });
  });

  it('after a wheel zoom, the same relative image point is under the cursor in every pane', () => {
    let view = FITTED;
    const cursors = [
      { pane: wide, at: { x: 120, y: -80 }, zoom: 2.5 },
      { pane: small, at: { x: -200, y: 150 }, zoom: 6 },
      { pane: tall, at: { x: 40, y: 300 }, zoom: 3 },
    ];
    for (const { pane, at, zoom } of cursors) {
      const before = imagePointAt(view, pane, at);
      view = zoomAt(view, pane, at, zoom);
      // Under the cursor in the pane zoomed: the same point as before the zoom.
      expectPoint(imagePointAt(view, pane, at), before);
      // And the same point in every other pane, at the same place in its pane.
      for (const other of panes) expectPoint(imagePointAt(view, other, at), before);
    }
  });

  it('a drag moves every image with the pointer, keeping the synced point under it', () => {
    const zoomed = zoomAt(FITTED, wide, { x: 50, y: 50 }, 4);
    const under = imagePointAt(zoomed, wide, { x: 50, y: 50 });
    const dragged = panBy(zoomed, { x: -130, y: 45 });
    for (const pane of panes) {
      expectPoint(imagePointAt(dragged, pane, { x: -80, y: 95 }), under);
      const before = imageRect(zoomed, pane);
      const after = imageRect(dragged, pane);
      expect(after.left - before.left).toBeCloseTo(-130);
      expect(after.top - before.top).toBeCloseTo(45);
    }
  });

  it('100% is one image pixel per CSS pixel in the focused pane', () => {
    const view = zoomAt(FITTED, small, { x: 0, y: 0 }, actualSizeZoom(small));
    expect(paneScale(view, small)).toBeCloseTo(1);
    expect(paneScale(zoomAt(FITTED, wide, { x: 0, y: 0 }, actualSizeZoom(wide)), wide)).toBeCloseTo(1);
  });

  it('clamps the zoom between a little under fitted and 800% in the most reduced pane', () => {
    expect(clampZoom(0.01, panes)).toBe(0.5);
    // A 100×80 image fitted into 600×400 is scaled up 5×: its 100% is a relative zoom of 0.2.
    const tiny: PaneGeometry = { boxW: 600, boxH: 400, imageW: 100, imageH: 80 };
    expect(clampZoom(0.01, [...panes, tiny])).toBeCloseTo(0.2);
    expect(paneScale(zoomAt(FITTED, tiny, { x: 0, y: 0 }, clampZoom(actualSizeZoom(tiny), [...panes, tiny])), tiny)).toBeCloseTo(1);
    // The 4000×3000 image is fitted at 1/7.5: 800% there is a relative zoom of 60.
    expect(clampZoom(1000, panes)).toBeCloseTo(8 / (400 / 3000));
    expect(clampZoom(3, panes)).toBe(3);
  });
});
