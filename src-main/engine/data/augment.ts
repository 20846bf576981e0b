import type { DatasetConfig } from '../../../src-shared/model/dataset';
import type { Rng } from '../../../src-shared/model/rng';
import type { ImageShape, Normalization } from './types';

export type AugmentConfig = DatasetConfig['augment'];

/**
 * torchvision's RandomCrop(size, padding=pad) with a chosen offset: the image is zero-padded by
 * `pad` on every side and the h×w window at (offY, offX) of the padded image is copied to `dst`,
 * so dst[y][x] = src[y + offY - pad][x + offX - pad], 0 where that falls outside. Offsets are in [0, 2·pad].
 */
export function cropWithPadding(src: Uint8Array, dst: Uint8Array, [h, w, c]: ImageShape, pad: number, offY: number, offX: number): void {
  const dy = offY - pad;
  const dx = offX - pad;
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sx = x + dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      for (let k = 0; k < c; k++) dst[(y * w + x) * c + k] = inside ? src[(sy * w + sx) * c + k] : 0;
    }
  }
}

/** Mirrors an HWC image left to right, in place. */
export function flipHorizontal(img: Uint8Array, [h, w, c]: ImageShape): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w >> 1; x++) {
      const a = (y * w + x) * c;
      const b = (y * w + (w - 1 - x)) * c;
      for (let k = 0; k < c; k++) {
        const t = img[a + k];
        img[a + k] = img[b + k];
        img[b + k] = t;
      }
    }
  }
}

/**
 * Cutout (DeVries and Taylor 2017, as in the DARTS code): zeroes the size×size square whose top-left
 * corner is (centreY - ⌊size/2⌋, centreX - ⌊size/2⌋), clipped at the borders. DARTS applies it after
 * normalization, so the zeros are zeros of the normalized image (the mean colour).
 */
export function cutoutSquare(img: Float32Array, [h, w, c]: ImageShape, centreY: number, centreX: number, size: number): void {
  const y0 = Math.max(0, centreY - (size >> 1));
  const y1 = Math.min(h, centreY - (size >> 1) + size);
  const x0 = Math.max(0, centreX - (size >> 1));
  const x1 = Math.min(w, centreX - (size >> 1) + size);
  for (let y = y0; y < y1; y++) img.fill(0, (y * w + x0) * c, (y * w + x1) * c);
}

/** 256 normalized values per channel, so normalizing a pixel is one lookup. */
export function normalizationTable(norm: Normalization): Float32Array[] {
  return norm.mean.map((mean, k) => Float32Array.from({ length: 256 }, (_, p) => (p / 255 - mean) / norm.std[k]));
}

/** (pixel / 255 - mean) / std for every pixel of an HWC image, through the lookup table. */
export function normalizeImage(src: Uint8Array, dst: Float32Array, table: Float32Array[]): void {
  const c = table.length;
  for (let i = 0; i < src.length; i++) dst[i] = table[i % c][src[i]];
}

/**
 * One training image through the DARTS pipeline: random crop with zero padding, random horizontal
 * flip, normalize, cutout with a uniform centre. `scratch` holds the intermediate bytes. The draws
 * per image are, in this order: crop offset y, x (when cropPadding > 0), flip (when on), cutout
 * centre y, x (when cutout > 0).
 */
export function augmentImage(
  src: Uint8Array,
  dst: Float32Array,
  scratch: Uint8Array,
  shape: ImageShape,
  table: Float32Array[],
  augment: AugmentConfig,
  rng: Rng,
): void {
  const [h, w] = shape;
  let img = src;
  if (augment.cropPadding > 0) {
    const span = 2 * augment.cropPadding + 1;
    cropWithPadding(src, scratch, shape, augment.cropPadding, rng.int(span), rng.int(span));
    img = scratch;
  }
  if (augment.horizontalFlip && rng.next() < 0.5) {
    if (img !== scratch) {
      scratch.set(src);
      img = scratch;
    }
    flipHorizontal(img, shape);
  }
  normalizeImage(img, dst, table);
  if (augment.cutout > 0) cutoutSquare(dst, shape, rng.int(h), rng.int(w), augment.cutout);
}
