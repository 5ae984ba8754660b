import type { Flag } from '../../protocol/items.js';

/**
 * Geometry and captions of a comparison sheet (POST /export/comparison), free of sharp: panes in
 * one row at a common height, so a detail at the same relative position sits at the same height
 * in every pane (as in the compare view), each with its caption band under it.
 */
export interface PaneSource {
  /** Size after EXIF rotation. */
  w: number;
  h: number;
}

export interface PaneBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface SheetLayout {
  width: number;
  height: number;
  /** The common pane height. */
  paneHeight: number;
  panes: PaneBox[];
  fontSize: number;
  gap: number;
  /** Top of the caption band (name line; the labels line follows). */
  captionTop: number;
  lineHeight: number;
}

/** Tallest pane height a sheet starts from: large enough to inspect, small enough to encode fast. */
export const MAX_PANE_HEIGHT = 2048;
/** Below this the panes stop being useful: a sheet that only fits smaller is refused. */
export const MIN_PANE_HEIGHT = 256;
/** Widest sheet drawn (a row of panoramas gets lower panes instead). */
export const MAX_SHEET_WIDTH = 16_384;

/**
 * The layout at a pane height of `paneHeight`. Panes keep their aspect ratio; text, gaps and
 * margins scale with the pane height within readable bounds.
 */
export function layoutSheet(sources: readonly PaneSource[], paneHeight: number, withLabels: boolean): SheetLayout {
  const height = Math.max(1, Math.round(paneHeight));
  const fontSize = Math.min(40, Math.max(13, Math.round(height / 30)));
  const gap = Math.max(8, Math.round(height / 64));
  const lineHeight = Math.round(fontSize * 1.5);
  const caption = lineHeight * (withLabels ? 2 : 1) + Math.round(fontSize * 0.6);
  const panes: PaneBox[] = [];
  let left = gap;
  for (const s of sources) {
    const width = Math.max(1, Math.round((s.w * height) / Math.max(1, s.h)));
    panes.push({ left, top: gap, width, height });
    left += width + gap;
  }
  return { width: left, height: gap + height + caption + gap, paneHeight: height, panes, fontSize, gap, captionTop: gap + height + Math.round(fontSize * 0.4), lineHeight };
}

/**
 * The pane height to start from: the tallest source (small images are scaled up to match, as the
 * compare view shows them at the same size), at most MAX_PANE_HEIGHT, and lower still when the
 * sheet would hold more than `maxPixels` (a first guess at what fits the byte bound).
 */
export function initialPaneHeight(sources: readonly PaneSource[], maxPixels: number, withLabels: boolean): number {
  let height = Math.min(MAX_PANE_HEIGHT, Math.max(...sources.map((s) => s.h)));
  const pixels = (h: number) => {
    const l = layoutSheet(sources, h, withLabels);
    return l.width * l.height;
  };
  // Captions and gaps do not shrink in proportion: a step or two more settles it.
  for (let p = pixels(height); p > maxPixels && height > 1; p = pixels(height)) {
    height = Math.max(1, Math.min(height - 1, Math.floor(height * Math.sqrt(maxPixels / p))));
  }
  return Math.max(1, Math.min(height, tallestWithin(sources, MAX_SHEET_WIDTH, withLabels)));
}

/** The largest pane height whose sheet is at most `maxWidth` wide (1 when none is). */
export function tallestWithin(sources: readonly PaneSource[], maxWidth: number, withLabels: boolean): number {
  let height = MAX_PANE_HEIGHT;
  // Width grows a little faster than linearly in height (gaps scale too): a few steps settle it.
  for (let width = layoutSheet(sources, height, withLabels).width; width > maxWidth && height > 1; width = layoutSheet(sources, height, withLabels).width) {
    height = Math.max(1, Math.min(height - 1, Math.floor((height * maxWidth) / width)));
  }
  return height;
}

/** Keeps the start and end of a long name (`IMG_2024_0…_final.jpg`), within `maxChars`. */
export function fitName(name: string, maxChars: number): string {
  const chars = [...name];
  if (chars.length <= maxChars) return name;
  if (maxChars <= 1) return '…';
  const tail = Math.floor((maxChars - 1) / 2);
  const head = maxChars - 1 - tail;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

/** Characters of DejaVu Sans (about 0.6 em wide on average) that fit in `width` pixels. */
export function charsThatFit(width: number, fontSize: number): number {
  return Math.max(1, Math.floor(width / (fontSize * 0.6)));
}

export interface PaneLabels {
  star: number | null;
  flag: Flag;
}

const FLAG_WORDS: Record<NonNullable<Flag>, string> = { pick: 'Pick', reject: 'Reject' };

/** The labels line under a pane: five stars, filled up to the rating, or "Unrated"; then its flag. */
export function labelLine(labels: PaneLabels | undefined): string {
  const star = labels?.star ?? null;
  const stars = star === null ? 'Unrated' : '★'.repeat(star) + '☆'.repeat(5 - star);
  return labels?.flag ? `${stars} · ${FLAG_WORDS[labels.flag]}` : stars;
}

/** XML text content: names may hold `&`, `<` and quotes, which must not end up as SVG markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The captions of every pane as one SVG the size of the sheet (composited over it). */
export function captionSvg(layout: SheetLayout, names: readonly string[], labels: readonly (PaneLabels | undefined)[] | null): string {
  const { fontSize, lineHeight, captionTop } = layout;
  const lines: string[] = [];
  layout.panes.forEach((pane, i) => {
    const x = pane.left + pane.width / 2;
    const name = fitName(names[i] ?? '', charsThatFit(pane.width, fontSize));
    lines.push(`<text x="${x}" y="${captionTop + fontSize}" fill="#f4f4f5">${escapeXml(name)}</text>`);
    if (labels) {
      const line = labelLine(labels[i]);
      const color = labels[i]?.star ? '#f5b301' : '#a1a1aa';
      lines.push(`<text x="${x}" y="${captionTop + lineHeight + fontSize}" fill="${color}">${escapeXml(line)}</text>`);
    }
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">` +
    `<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${fontSize}" text-anchor="middle">${lines.join('')}</g></svg>`
  );
}
