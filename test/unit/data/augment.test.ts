import { describe, expect, it } from 'vitest';
import { augmentImage, cropWithPadding, cutoutSquare, flipHorizontal, normalizationTable } from '../../../src-main/engine/data/augment';
import { Rng } from '../../../src-shared/model/rng';

// A 4×4 one-channel image holding 1..16 row by row.
const IMAGE = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

describe('augmentation on hand-made images', () => {
  it('crops a zero-padded image at a known offset', () => {
    const out = new Uint8Array(16);
    // pad 2, window at (0, 3): shift down by 2 and left by 1, zeros where the window leaves the image.
    cropWithPadding(IMAGE, out, [4, 4, 1], 2, 0, 3);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4, 0, 6, 7, 8, 0]);
    cropWithPadding(IMAGE, out, [4, 4, 1], 2, 2, 2);
    expect(Array.from(out)).toEqual(Array.from(IMAGE));
    // Two channels move together: pixel (y, x) of channel k holds 10·(y·2 + x) + k.
    const rgb = Uint8Array.from({ length: 8 }, (_, i) => 10 * (i >> 1) + (i & 1));
    const rgbOut = new Uint8Array(8);
    cropWithPadding(rgb, rgbOut, [2, 2, 2], 1, 2, 1);
    expect(Array.from(rgbOut)).toEqual([20, 21, 30, 31, 0, 0, 0, 0]);
  });

  it('mirrors left to right, channels kept together', () => {
    const img = Uint8Array.from(IMAGE);
    flipHorizontal(img, [4, 4, 1]);
    expect(Array.from(img)).toEqual([4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9, 16, 15, 14, 13]);
    const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6]); // one row of three two-channel pixels
    flipHorizontal(rgb, [1, 3, 2]);
    expect(Array.from(rgb)).toEqual([5, 6, 3, 4, 1, 2]);
  });

  it('zeroes exactly an N×N square, clipped at the borders', () => {
    const zeros = (size: number, cy: number, cx: number, c = 1): string[] => {
      const img = new Float32Array(5 * 5 * c).fill(1);
      cutoutSquare(img, [5, 5, c], cy, cx, size);
      const at: string[] = [];
      img.forEach((v, i) => {
        if (v === 0) at.push(`${Math.floor(i / c / 5)},${Math.floor(i / c) % 5}`);
      });
      return [...new Set(at)];
    };
    // size 3 centred at (2, 2): rows and columns 1..3.
    expect(zeros(3, 2, 2)).toEqual(['1,1', '1,2', '1,3', '2,1', '2,2', '2,3', '3,1', '3,2', '3,3']);
    // size 4 centred at (4, 4): rows/columns 2..5 clipped to 2..4.
    expect(zeros(4, 4, 4)).toEqual(['2,2', '2,3', '2,4', '3,2', '3,3', '3,4', '4,2', '4,3', '4,4']);
    // size 2 at the corner (0, 0): rows/columns -1..0 clipped to 0.
    expect(zeros(2, 0, 0)).toEqual(['0,0']);
    // Every channel of the square is zeroed: 2×2 pixels × 3 channels.
    const img = new Float32Array(75).fill(1);
    cutoutSquare(img, [5, 5, 3], 1, 3, 2);
    expect(img.filter((v) => v === 0).length).toBe(12);
  });

  it('draws crop offsets, flip and cutout centre from the rng in the documented order', () => {
    const seed = 99;
    const augment = { cropPadding: 1, horizontalFlip: true, cutout: 2 };
    const table = normalizationTable({ mean: [0], std: [1] });
    const out = new Float32Array(16);
    augmentImage(IMAGE, out, new Uint8Array(16), [4, 4, 1], table, augment, new Rng(seed));

    // The same steps done by hand with the same draws.
    const rng = new Rng(seed);
    const offY = rng.int(3);
    const offX = rng.int(3);
    const flip = rng.next() < 0.5;
    const cy = rng.int(4);
    const cx = rng.int(4);
    const expected: number[] = [];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const xx = flip ? 3 - x : x;
        const sy = y + offY - 1;
        const sx = xx + offX - 1;
        const pixel = sy >= 0 && sy < 4 && sx >= 0 && sx < 4 ? IMAGE[sy * 4 + sx] : 0;
        const cut = y >= cy - 1 && y < cy + 1 && x >= cx - 1 && x < cx + 1;
        expected.push(cut ? 0 : pixel / 255);
      }
    }
    expect(Array.from(out)).toEqual(expected.map((v) => Math.fround(v)));
  });
});
