import { useCallback, useEffect, useState } from 'react';
import type { Item } from '../../../protocol/items.js';
import { baseName } from '../../../protocol/paths.js';
import { useMediaStamp, useThumb } from '../../hooks/use-thumb.js';
import { imageRect, type CompareView, type PaneGeometry } from './compare-sync.js';
import { atLeast, devicePixelRatio, isAbove, sourceFor, sourceUrl, type ImageSource } from './image-source.js';

export interface PaneImage {
  /** What is drawn: a decoded rendition or original, or the thumbnail meanwhile. */
  src: string | null;
  /** Drawn at pane resolution: a rendition sized to the pane (or more), or the original, decoded. */
  full: boolean;
  /** The original itself is drawn (every pixel the image has). */
  original: boolean;
  /** The original's size, once known (decoded, else the listing's dimensions). */
  w: number;
  h: number;
  failed: boolean;
}

interface Next {
  src: string;
  source: ImageSource;
  stamp: string | undefined;
}

/** A rendition or the original, decoded and drawn. */
interface Drawn {
  path: string;
  stamp: string | undefined;
  src: string;
  source: ImageSource;
  w: number;
  h: number;
}

interface PaneSources {
  thumb: string | null;
  /** What is drawn (decoded), and what is loading over it (drawn once decoded), if anything. */
  drawn: Drawn | null;
  next: Next | null;
  image: PaneImage;
  onNextLoad: (img: HTMLImageElement, next: Next) => void;
  onNextError: (source: ImageSource) => void;
}

/**
 * What a pane draws (issue 12): its thumbnail at once, then the least source with the pixels the
 * pane shows at the current zoom (image-source.ts): a screen-sized rendition, or the original once
 * the zoom needs more than the renditions have. The layout always uses the original's size (the
 * listing's, until the original itself is decoded), and a rendition is stretched over the same
 * rectangle, so a swap never moves the image under the synced zoom. Each source is decoded in the
 * element that shows it (a decode off screen would be thrown away and done again for the screen:
 * for four 24-megapixel originals, seconds of CPU); what was drawn before stays under it until then.
 */
function usePaneSources(path: string, item: Item | undefined, index: number, view: CompareView, box: { width: number; height: number }): PaneSources & { geometry: PaneGeometry } {
  const thumb = useThumb(path, index);
  const stamp = useMediaStamp(path);
  const [drawnState, setDrawn] = useState<Drawn | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [floor, setFloor] = useState<{ path: string; stamp: string | undefined; source: ImageSource } | null>(null);
  const [thumbSize, setThumbSize] = useState<{ src: string; w: number; h: number } | null>(null);

  useEffect(() => {
    if (!thumb.src) return;
    const src = thumb.src;
    const img = new Image();
    img.src = src;
    img.decode().then(
      () => setThumbSize({ src, w: img.naturalWidth, h: img.naturalHeight }),
      () => undefined,
    );
  }, [thumb.src]);

  const drawn = drawnState?.path === path ? drawnState : null;
  const listed = item && item.w > 0 && item.h > 0 ? { w: item.w, h: item.h } : null;
  const original = drawn?.source.kind === 'file' ? { w: drawn.w, h: drawn.h } : listed;
  const size = original ?? (thumbSize && thumbSize.src === thumb.src ? thumbSize : { w: 0, h: 0 });
  const geometry: PaneGeometry = { boxW: box.width, boxH: box.height, imageW: size.w, imageH: size.h };

  // The source the pane needs now, never below what it already asked for under this path and stamp.
  let wanted: ImageSource | null = null;
  if (size.w > 0 && box.width > 0) {
    const r = imageRect(view, geometry);
    const current = floor?.path === path && floor.stamp === stamp ? floor.source : null;
    wanted = atLeast(current, sourceFor(original ?? { w: 0, h: 0 }, Math.max(r.width, r.height) * devicePixelRatio()));
  }
  const wantedKey = wanted ? sourceUrl(path, wanted, stamp) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: wantedKey names `wanted` (path, source and stamp)
  useEffect(() => {
    if (wanted) setFloor((prev) => (prev?.path === path && prev.stamp === stamp && !isAbove(wanted, prev.source) ? prev : { path, stamp, source: wanted }));
  }, [wantedKey]);

  const onNextLoad = useCallback(
    (img: HTMLImageElement, { src, source, stamp: of }: Next) => {
      img.decode().then(
        // A late rendition never replaces more pixels already drawn of the same bytes.
        () =>
          setDrawn((prev) =>
            prev?.path === path && prev.stamp === of && !isAbove(source, prev.source) ? prev : { path, stamp: of, src, source, w: img.naturalWidth, h: img.naturalHeight },
          ),
        () => setFailed(src),
      );
    },
    [path],
  );
  // A rendition the server cannot make: try the original (the browser may decode what it cannot).
  const onNextError = useCallback(
    (source: ImageSource) => {
      if (source.kind === 'file') setFailed(sourceUrl(path, source, stamp));
      else setFloor({ path, stamp, source: { kind: 'file' } });
    },
    [path, stamp],
  );

  const next = wanted && wantedKey && wantedKey !== drawn?.src ? { src: wantedKey, source: wanted, stamp } : null;
  return {
    thumb: thumb.src,
    drawn,
    next,
    geometry,
    image: {
      src: drawn?.src ?? thumb.src,
      full: drawn !== null,
      original: drawn?.source.kind === 'file',
      w: size.w,
      h: size.h,
      failed: failed !== null && failed === wantedKey,
    },
    onNextLoad,
    onNextError,
  };
}

/** Name, dimensions and labels of a pane's item. */
export function PaneCaption({ path, item, image, tag }: { path: string; item: Item | undefined; image: PaneImage; tag?: string }) {
  const name = item?.name ?? baseName(path);
  const w = image.full ? image.w : (item?.w ?? 0);
  const h = image.full ? image.h : (item?.h ?? 0);
  const star = item?.star ?? null;
  const flag = item?.flag ?? null;
  const tags = item?.tags ?? [];
  return (
    <>
      <span className="compare-title">
        {tag ? (
          <span className="compare-tag" aria-hidden="true">
            {tag}
          </span>
        ) : null}
        <span className="compare-name" title={path}>
          {name}
        </span>
        <span className="compare-dims" data-testid="compare-dims">
          {w > 0 && h > 0 ? `${w} × ${h}` : ''}
        </span>
      </span>
      <span className="compare-labels">
        <span
          className={`compare-stars${star ? '' : ' is-unrated'}`}
          data-testid="compare-stars"
          role="img"
          title="Keys 0–5 rate the focused pane (Shift+1 for one star)"
          aria-label={star ? `${star} star${star === 1 ? '' : 's'}` : 'Unrated'}
        >
          {star ? '★'.repeat(star) + '☆'.repeat(5 - star) : 'Unrated'}
        </span>
        {flag ? (
          <span className={`compare-flag is-${flag}`} data-testid="compare-flag" role="img" aria-label={flag === 'pick' ? 'Picked' : 'Rejected'}>
            {flag === 'pick' ? 'Pick' : 'Reject'}
          </span>
        ) : null}
        {tags.length ? (
          <span className="compare-tags" title={tags.join(', ')}>
            {tags.slice(0, 3).map((t) => (
              <span key={t} className="compare-chip">
                {t}
              </span>
            ))}
            {tags.length > 3 ? <span className="compare-more">+{tags.length - 3}</span> : null}
          </span>
        ) : null}
      </span>
    </>
  );
}

/**
 * One image placed by the shared view in a pane (or in the wipe's common stage). It loads what the
 * pane needs (usePaneSources) and reports what it knows (size, drawn or not) to the view, which
 * lays out every pane.
 */
export function PaneImg({ path, item, index, view, box, clipLeft, onImage }: { path: string; item: Item | undefined; index: number; view: CompareView; box: { width: number; height: number }; clipLeft?: number; onImage: (path: string, image: PaneImage) => void }) {
  const { thumb, drawn, next, image, geometry, onNextLoad, onNextError } = usePaneSources(path, item, index, view, box);
  const { src, full, original, w, h, failed } = image;
  useEffect(() => onImage(path, { src, full, original, w, h, failed }), [path, src, full, original, w, h, failed, onImage]);
  if (w <= 0 || box.width <= 0) return null;
  const r = imageRect(view, geometry);
  const style = {
    left: r.left,
    top: r.top,
    width: r.width,
    height: r.height,
    clipPath: clipLeft !== undefined ? `inset(0 0 0 ${Math.max(0, clipLeft - r.left)}px)` : undefined,
  };
  const name = item?.name ?? baseName(path);
  const pixelated = r.width / w >= 3 ? ' is-pixelated' : '';
  // Keyed by URL: the element that decoded a source is the one that goes on showing it.
  return (
    <>
      {!drawn && thumb ? <img className={`compare-img${pixelated}`} src={thumb} alt="" aria-hidden="true" draggable={false} style={style} /> : null}
      {drawn ? (
        <img
          key={drawn.src}
          className={`compare-img${pixelated}`}
          src={drawn.src}
          alt={next ? '' : name}
          aria-hidden={next ? 'true' : undefined}
          decoding="async"
          draggable={false}
          data-full="true"
          data-source={drawn.source.kind}
          style={style}
        />
      ) : null}
      {next ? (
        <img
          key={next.src}
          className={`compare-img${pixelated} is-loading`}
          src={next.src}
          alt={name}
          decoding="async"
          draggable={false}
          data-full="false"
          data-source={next.source.kind}
          onLoad={(e) => onNextLoad(e.currentTarget, next)}
          onError={() => onNextError(next.source)}
          style={style}
        />
      ) : null}
    </>
  );
}
