import { useCallback, useEffect, useState } from 'react';
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

interface PaneSources {
  thumb: string | null;
  file: string;
  image: PaneImage;
  /** The original's <img> loaded: decode it in place, then it replaces the thumbnail. */
  onFileLoad: (img: HTMLImageElement) => void;
  onFileError: () => void;
}

/**
 * The original of `path` and its thumbnail, and the size to lay them out with: the original's,
 * else the listing's, else the thumbnail's shape. The original is decoded in the element that
 * shows it (a decode off screen would be thrown away and done again for the screen: for four
 * 24-megapixel originals, seconds of CPU); the thumbnail under it shows until it is ready.
 */
function usePaneSources(path: string, item: Item | undefined, index: number): PaneSources {
  const thumb = useThumb(path, index);
  const stamp = useMediaStamp(path);
  const file = fileUrl(path, stamp);
  const [full, setFull] = useState<{ src: string; w: number; h: number } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
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

  const onFileLoad = useCallback((img: HTMLImageElement) => {
    const src = img.getAttribute('src') ?? '';
    img.decode().then(
      () => setFull({ src, w: img.naturalWidth, h: img.naturalHeight }),
      () => setFailed(src),
    );
  }, []);
  const onFileError = useCallback(() => setFailed(file), [file]);

  const ready = full?.src === file ? full : null;
  const size = ready ?? (item && item.w > 0 && item.h > 0 ? { w: item.w, h: item.h } : thumbSize && thumbSize.src === thumb.src ? thumbSize : { w: 0, h: 0 });
  return {
    thumb: thumb.src,
    file,
    image: { src: ready ? file : thumb.src, full: ready !== null, w: size.w, h: size.h, failed: failed === file },
    onFileLoad,
    onFileError,
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
 * One image placed by the shared view in a pane (or in the wipe's common stage). It loads its own
 * original and reports what it knows (size, decoded or not) to the view, which lays out every pane.
 */
export function PaneImg({ path, item, index, view, box, clipLeft, onImage }: { path: string; item: Item | undefined; index: number; view: CompareView; box: { width: number; height: number }; clipLeft?: number; onImage: (path: string, image: PaneImage) => void }) {
  const { thumb, file, image, onFileLoad, onFileError } = usePaneSources(path, item, index);
  const { src, full, w, h, failed } = image;
  useEffect(() => onImage(path, { src, full, w, h, failed }), [path, src, full, w, h, failed, onImage]);
  if (w <= 0 || box.width <= 0) return null;
  const geometry: PaneGeometry = { boxW: box.width, boxH: box.height, imageW: w, imageH: h };
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
  return (
    <>
      {!full && thumb ? <img className={`compare-img${pixelated}`} src={thumb} alt="" aria-hidden="true" draggable={false} style={style} /> : null}
      <img
        className={`compare-img${pixelated}${full ? '' : ' is-loading'}`}
        src={file}
        alt={name}
        decoding="async"
        draggable={false}
        data-full={full ? 'true' : 'false'}
        onLoad={(e) => onFileLoad(e.currentTarget)}
        onError={onFileError}
        style={style}
      />
    </>
  );
}
