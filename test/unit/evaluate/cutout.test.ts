import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { augmentImage, normalizationTable } from '../../../src-main/engine/data/augment';

describe('cutout 16 (DARTS evaluation) through the augmentation pipeline', () => {
  it('zeroes exactly the 16×16 square around the seeded centre, clipped at the borders, and nothing else', () => {
    const shape: [number, number, number] = [32, 32, 3];
    const table = normalizationTable({ mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] });
    // Pixel values whose normalized value is never 0 (the means are not multiples of 1/255).
    const src = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 37) % 256);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const dst = new Float32Array(src.length);
      augmentImage(src, dst, new Uint8Array(src.length), shape, table, { cropPadding: 0, horizontalFlip: false, cutout: 16 }, new Rng(seed));
      // augmentImage draws the centre as rng.int(h) then rng.int(w): the same draws from the same seed.
      const rng = new Rng(seed);
      const [cy, cx] = [rng.int(32), rng.int(32)];
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inSquare = y >= cy - 8 && y < cy + 8 && x >= cx - 8 && x < cx + 8;
          for (let k = 0; k < 3; k++) {
            const i = (y * 32 + x) * 3 + k;
            expect(dst[i]).toBe(inSquare ? 0 : table[k][src[i]]);
          }
        }
      }
    }
  });
});
