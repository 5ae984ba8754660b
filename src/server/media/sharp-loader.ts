import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp and libvips, loaded on the first image to decode rather than at start: their ~80 ms would
 * otherwise stand between spawning the server and its first answer.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // Our own LRU and disk cache hold thumbnails; libvips' operation cache would only pin file
    // handles and memory for sources we will not read again soon.
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
