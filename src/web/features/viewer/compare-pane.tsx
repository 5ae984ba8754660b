import { useEffect, useState } from 'react';
import type { Item } from '../../../protocol/items.js';
import { baseName } from '../../../protocol/paths.js';
import { fileUrl } from '../../api/http-client.js';
import { useMediaStamp, useThumb } from '../../hooks/use-thumb.js';
import { imageRect, type CompareView, type PaneGeometry } from './compare-sync.js';

export interface PaneImage {
  /** What to show: the decoded original, or its thumbnail meanwhile. */
  src: string | null;
  full: boolean;
  /** The image's natural size, once known (original, else the listing's dimensions). */
  w: number;
  h: number;
  failed: boolean;
}

/**
 * The original of `path`, decoded off screen before it replaces the thumbnail (no flicker), and
 * the size to lay it out with: the decoded one, else the listing's, else the thumbnail's shape.
 */
function usePaneImage(path: string, item: Item | undefined, index: number): PaneImage {
  const thumb = useThumb(path, index);
  const stamp = useMediaStamp(path);
  const [full, setFull] = useState<{ path: string; src: string; w: number; h: number } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [thumbSize, setThumbSize] = useState<{ src: string; w: number; h: number } | null>(null);

  useEffect(() => {
    let cancelled = false;
    const src = fileUrl(path, stamp);
    const img = new Image();
    img.src = src;
    img
      .decode()
      .then(() => {
        if (!cancelled) setFull({ path, src, w: img.naturalWidth, h: img.naturalHeight });
      })
      .catch(() => {
        if (!cancelled) setFailed(path);
      });
    return () => {
      cancelled = true;
    };
  }, [path, stamp]);

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

  const ready = full?.path === path ? full : null;
  if (ready) return { src: ready.src, full: true, w: ready.w, h: ready.h, failed: false };
  const size = item && item.w > 0 && item.h > 0 ? { w: item.w, h: item.h } : thumbSize && thumbSize.src === thumb.src ? thumbSize : { w: 0, h: 0 };
  return { src: thumb.src, full: false, w: size.w, h: size.h, failed: failed === path };
}

/** Name, dimensions and labels of a pane's item. */
export function PaneCaption({ path, item, image, tag }: { path: string; item: Item | undefined; image: PaneImage; tag?: string }) {
  const name = item?.name ?? baseName(path);
  const w = image.full ? image.w : (item?.w ?? 0);
  const h = image.full ? image.h : (item?.h ?? 0);
  const star = item?.star ?? null;
  const tags = item?.tags ?? [];
  return (
    <>
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
      <span className={`compare-stars${star ? '' : ' is-unrated'}`} data-testid="compare-stars" role="img" title="Keys 0–5 rate the focused pane (Shift+1 for one star)" aria-label={star ? `${star} star${star === 1 ? '' : 's'}` : 'Unrated'}>
        {star ? '★'.repeat(star) + '☆'.repeat(5 - star) : 'Unrated'}
      </span>
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
    </>
  );
}

/**
 * One image placed by the shared view in a pane (or in the wipe's common stage). It loads its own
 * original and reports what it knows (size, decoded or not) to the view, which lays out every pane.
 */
export function PaneImg({ path, item, index, view, box, clipLeft, onImage }: { path: string; item: Item | undefined; index: number; view: CompareView; box: { width: number; height: number }; clipLeft?: number; onImage: (path: string, image: PaneImage) => void }) {
  const image = usePaneImage(path, item, index);
  const { src, full, w, h, failed } = image;
  useEffect(() => onImage(path, { src, full, w, h, failed }), [path, src, full, w, h, failed, onImage]);
  if (!src || w <= 0 || box.width <= 0) return null;
  const geometry: PaneGeometry = { boxW: box.width, boxH: box.height, imageW: w, imageH: h };
  const r = imageRect(view, geometry);
  const pixelScale = r.width / w;
  return (
    <img
      className={`compare-img${pixelScale >= 3 ? ' is-pixelated' : ''}`}
      src={src}
      alt={item?.name ?? baseName(path)}
      draggable={false}
      data-full={full ? 'true' : 'false'}
      style={{
        left: r.left,
        top: r.top,
        width: r.width,
        height: r.height,
        clipPath: clipLeft !== undefined ? `inset(0 0 0 ${Math.max(0, clipLeft - r.left)}px)` : undefined,
      }}
    />
  );
}
