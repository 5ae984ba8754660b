import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DISTANCE } from '../../src/protocol/duplicates.js';
import { hammingDistance } from '../../src/server/media/phash.js';
import { hashImage, makeThumbnailAndHash } from '../../src/server/media/thumbnailer.js';
import { photo, photoNames, SAME_SCENE_TYPE, VARIANTS } from './near-duplicates.js';

const SPEC = { size: 256, quality: 70 };

/** The gradient hash (dHash) the issue names as the other choice: 9×8 grey, bit = right neighbour brighter. */
async function dHash(bytes: Buffer): Promise<bigint> {
  const px = await sharp(bytes).rotate().flatten({ background: '#ffffff' }).resize(9, 8, { fit: 'fill' }).toColourspace('b-w').raw().toBuffer();
  let hash = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (px[y * 9 + x + 1]! > px[y * 9 + x]!) hash |= 1n << BigInt(y * 8 + x);
  return hash;
}

interface Family {
  name: string;
  /** Original first, then the variants, as files. */
  files: Buffer[];
}

/** Largest distance between two copies of one photo, smallest between copies of two photos. */
function separation(families: Family[], hashes: Map<Buffer, bigint>): { sameMax: number; differentMin: number } {
  let sameMax = 0;
  let differentMin = 64;
  for (const a of families) {
    for (const b of families) {
      for (const x of a.files) {
        for (const y of b.files) {
          if (x === y) continue;
          const d = hammingDistance(hashes.get(x)!, hashes.get(y)!);
          if (a === b) sameMax = Math.max(sameMax, d);
          else differentMin = Math.min(differentMin, d);
        }
      }
    }
  }
  return { sameMax, differentMin };
}

describe('perceptual hashes of real photos', () => {
  const families: Family[] = [];
  const phashes = new Map<Buffer, bigint>();
  const dhashes = new Map<Buffer, bigint>();

  beforeAll(async () => {
    for (const name of photoNames()) {
      const original = photo(name);
      const files = [original, ...(await Promise.all(Object.values(VARIANTS).map((v) => v.make(original))))];
      families.push({ name, files });
      for (const file of files) {
        phashes.set(file, await hashImage(file, SPEC));
        dhashes.set(file, await dHash(file));
      }
    }
  });

  it('[DU3] copies of one photo (resized, WebP, 2% cropped, 25% brighter) lie within the default distance of each other', () => {
    for (const family of families) {
      for (const x of family.files) {
        for (const y of family.files) expect(hammingDistance(phashes.get(x)!, phashes.get(y)!), family.name).toBeLessThanOrEqual(DEFAULT_MAX_DISTANCE);
      }
    }
  });

  it('[DU3] different photos, also of one scene type, lie well beyond the default distance', () => {
    const { differentMin } = separation(families, phashes);
    expect(differentMin).toBeGreaterThan(DEFAULT_MAX_DISTANCE + 6);
    for (const [a, b] of SAME_SCENE_TYPE) {
      const fa = families.find((f) => f.name === a)!;
      const fb = families.find((f) => f.name === b)!;
      expect(hammingDistance(phashes.get(fa.files[0]!)!, phashes.get(fb.files[0]!)!), `${a} ${b}`).toBeGreaterThan(DEFAULT_MAX_DISTANCE + 6);
    }
  });

  it('[DU3] pHash separates copies from other photos by a wider margin than dHash (why DCT and not gradients)', () => {
    const p = separation(families, phashes);
    const d = separation(families, dhashes);
    // Measured: pHash copies ≤ 12, others ≥ 22; dHash copies up to 18 (WebP smooths the gradients), others ≥ 18.
    expect(p.differentMin - p.sameMax).toBeGreaterThan(d.differentMin - d.sameMax);
    expect(p.sameMax).toBeLessThan(p.differentMin);
  });

  it('[DU1] a thumbnail made with the hash gives the very hash the background pass computes', async () => {
    for (const family of families.slice(0, 3)) {
      const made = await makeThumbnailAndHash(family.files[0]!, SPEC);
      expect(made.phash).toBe(phashes.get(family.files[0]!));
      expect((await sharp(made.body).metadata()).format).toBe('webp');
    }
  });
});
