import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

const COLORS = ['#c0392b', '#2980b9', '#27ae60', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#f1c40f'];

/** A small JPEG with a gradient and a disc, so screenshots show real-looking tiles. */
export async function makeImage(file: string, width: number, height: number, seed = 0): Promise<void> {
  const color = COLORS[seed % COLORS.length];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${color}"/><stop offset="1" stop-color="#111"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="rgba(255,255,255,0.3)"/></svg>`;
  await writeFile(file, await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer());
}

const SHAPES: [number, number][] = [
  [120, 90],
  [90, 120],
  [160, 90],
  [100, 100],
  [140, 80],
];

export interface GalleryFixture {
  root: string;
  /** Paths (canonical, as the API names them) of a few notable entries. */
  paths: { nested: string; unicode: string; big: string };
  cleanup(): Promise<void>;
}

/**
 * A temp folder with: 6 images at the root; `nested/` with 5 images and `nested/deeper/` with 3;
 * `Café ☕ & co` (spaces, non-ASCII, `&`) with 4; and, when `bigCount` > 0, `big/` with that many
 * copies of one tiny file (enough to prove windowing without generating thousands of images);
 * and, when `manyDirs` > 0, `many/` with that many subfolders of one image each (tree windowing).
 */
export async function makeGallery(options: { bigCount?: number; manyDirs?: number } = {}): Promise<GalleryFixture> {
  const root = await mkdtemp(join(tmpdir(), 'lenslet-e2e-'));
  const unicode = 'Café ☕ & co';
  const dirs = [join(root, 'nested', 'deeper'), join(root, unicode)];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  let seed = 0;
  const batch = async (dir: string, prefix: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const [w, h] = SHAPES[seed % SHAPES.length]!;
      await makeImage(join(dir, `${prefix}-${String(i + 1).padStart(2, '0')}.jpg`), w, h, seed++);
    }
  };
  await batch(root, 'root', 6);
  await batch(join(root, 'nested'), 'nested', 5);
  await batch(join(root, 'nested', 'deeper'), 'deep', 3);
  await batch(join(root, unicode), 'cafe', 4);
  const bigCount = options.bigCount ?? 0;
  if (bigCount > 0) {
    const big = join(root, 'big');
    await mkdir(big);
    const source = join(big, 'big-00000.jpg');
    await makeImage(source, 64, 48, 3);
    for (let i = 1; i < bigCount; i++) await copyFile(source, join(big, `big-${String(i).padStart(5, '0')}.jpg`));
  }
  const manyDirs = options.manyDirs ?? 0;
  if (manyDirs > 0) {
    const source = join(root, 'root-01.jpg');
    for (let i = 0; i < manyDirs; i++) {
      const dir = join(root, 'many', `dir-${String(i).padStart(4, '0')}`);
      await mkdir(dir, { recursive: true });
      await copyFile(source, join(dir, 'one.jpg'));
    }
  }
  return {
    root,
    paths: { nested: '/nested', unicode: `/${unicode}`, big: '/big' },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
