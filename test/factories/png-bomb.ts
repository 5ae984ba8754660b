import { deflateSync } from 'node:zlib';
import { pngChunk } from './image-tree.js';

const bombs = new Map<number, Buffer>();

/** `inflated` bytes of "a", deflated (~1000:1): the payload of a decompression bomb, made once per size. */
export function deflatedBomb(inflated: number): Buffer {
  const made = bombs.get(inflated);
  if (made) return made;
  const bomb = deflateSync(Buffer.alloc(inflated, 0x61), { level: 9 });
  bombs.set(inflated, bomb);
  return bomb;
}

/** A zTXt chunk (or a compressed iTXt one) carrying `compressed` as its text. */
export function compressedTextChunk(type: 'zTXt' | 'iTXt', keyword: string, compressed: Buffer): Buffer {
  const head = type === 'zTXt' ? Buffer.from([0, 0]) : Buffer.from([0, 1, 0, 0, 0]);
  return pngChunk(type, Buffer.concat([Buffer.from(keyword, 'latin1'), head, compressed]));
}

/** `png` with `chunks` inserted just before IEND. */
export function withChunks(png: Buffer, chunks: Buffer[]): Buffer {
  const iendAt = png.length - 12;
  return Buffer.concat([png.subarray(0, iendAt), ...chunks, png.subarray(iendAt)]);
}
