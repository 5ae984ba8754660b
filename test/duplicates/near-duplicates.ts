import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** Real photos (test/fixtures/photos/README.md): CC0 and public-domain pictures from scikit-image's data. */
export const PHOTOS_DIR = fileURLToPath(new URL('../fixtures/photos/', import.meta.url));

export function photoNames(): string[] {
  return readdirSync(PHOTOS_DIR)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
}

export function photo(name: string): Buffer {
  return readFileSync(PHOTOS_DIR + name);
}

/**
 * The copies a collection gathers of one photo (DU3): resized to half, re-encoded as WebP, cropped
 * by 2% on every side, and brightened by 25%. Each is a file of its own format and size.
 */
export const VARIANTS: Record<string, { ext: string; make(original: Buffer): Promise<Buffer> }> = {
  resized: { ext: 'jpg', make: async (b) => sharp(b).resize({ width: Math.round(((await sharp(b).metadata()).width ?? 400) / 2) }).jpeg({ quality: 85 }).toBuffer() },
  webp: { ext: 'webp', make: (b) => sharp(b).webp({ quality: 60 }).toBuffer() },
  cropped: {
    ext: 'jpg',
    make: async (b) => {
      const { width = 0, height = 0 } = await sharp(b).metadata();
      const dx = Math.round(width * 0.02);
      const dy = Math.round(height * 0.02);
      return sharp(b)
        .extract({ left: dx, top: dy, width: width - 2 * dx, height: height - 2 * dy })
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  },
  brighter: { ext: 'jpg', make: (b) => sharp(b).modulate({ brightness: 1.25 }).jpeg({ quality: 90 }).toBuffer() },
};

/** Different photos of one scene type: two star fields (disjoint parts of one sky), two ground textures. */
export const SAME_SCENE_TYPE: [string, string][] = [
  ['stars-a.jpg', 'stars-b.jpg'],
  ['grass.jpg', 'gravel.jpg'],
];
