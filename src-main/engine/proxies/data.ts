import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import { EMBEDDED_FOLDER, NORMALIZATION } from '../data/datasets';
import { readIdxFolder } from '../data/idx';
import type { Split } from '../data/types';
import type { ImageInput } from '../evaluate/network';
import type { Minibatch } from './types';

/** The datasets a proxy can be computed for: each one's input shape and class count. */
export const PROXY_DATASETS = {
  cifar10: { height: 32, width: 32, channels: 3, classes: 10 },
  cifar100: { height: 32, width: 32, channels: 3, classes: 100 },
  'imagenet16-120': { height: 16, width: 16, channels: 3, classes: 120 },
  'fashion-mnist': { height: 28, width: 28, channels: 1, classes: 10 },
} as const satisfies Record<string, ImageInput>;
export type ProxyDataset = keyof typeof PROXY_DATASETS;

export function isProxyDataset(name: string): name is ProxyDataset {
  return Object.hasOwn(PROXY_DATASETS, name);
}

/** The images the data-dependent proxies read: the embedded Fashion-MNIST sample (28×28×1), the only images shipped. */
export interface ProxyImages {
  split: Split;
  height: number;
  width: number;
}

export async function loadProxyImages(resourcesDir: string): Promise<ProxyImages> {
  const idx = await readIdxFolder(join(resourcesDir, EMBEDDED_FOLDER), 'Fashion-MNIST');
  return { split: idx.train, height: idx.height, width: idx.width };
}

/** Says where a dataset's proxy images come from, for every output that shows scores. */
export function describeProxyData(dataset: ProxyDataset): string {
  const { height, width, channels } = PROXY_DATASETS[dataset];
  if (dataset === 'fashion-mnist') return 'images: the embedded Fashion-MNIST sample';
  return `${dataset}'s images are not at hand: data-dependent proxies read Fashion-MNIST images resized to ${height}×${width}×${channels} (grey copied to every channel), labels taken modulo the class count; synflow, params and flops use ${dataset}'s input shape only`;
}

const normalize = (pixels: Float32Array): Float32Array => {
  const { mean, std } = NORMALIZATION['fashion-mnist'];
  return pixels.map((p) => (p / 255 - mean[0]) / std[0]);
};

/**
 * `size` images drawn at random without replacement, normalized as Fashion-MNIST is, resized
 * (bilinear) to `input`'s height and width and repeated over its channels; labels modulo its classes.
 */
export function imageMinibatch(images: ProxyImages, input: ImageInput, size: number, rng: Rng): Minibatch {
  const { split, height, width } = images;
  if (!Number.isInteger(size) || size < 1 || size > split.count) throw new RangeError(`a proxy batch must hold 1 to ${split.count} images, got ${size}`);
  const chosen = rng.shuffle(Array.from({ length: split.count }, (_, i) => i)).slice(0, size);
  const pixels = new Float32Array(size * height * width);
  chosen.forEach((src, dst) => pixels.set(split.images.subarray(src * height * width, (src + 1) * height * width), dst * height * width));
  return tf.tidy(() => {
    let x = tf.tensor4d(normalize(pixels), [size, height, width, 1]);
    if (input.height !== height || input.width !== width) x = tf.image.resizeBilinear(x, [input.height, input.width]);
    if (input.channels !== 1) x = tf.tile(x, [1, 1, 1, input.channels]);
    const labels = tf.tensor1d(chosen.map((i) => split.labels[i] % input.classes), 'int32');
    return { images: x, labels };
  });
}

/** Side of the linear-region crops: TE-NAS's 3×3 fed one cell; our networks' two reductions need a side divisible by 4. */
export const CROP_SIDE = 4;

/**
 * TE-NAS's linear-region input: `count` random CROP_SIDE² crops of one channel (their RandomCrop(3)
 * + RandChannel(1) on training images), normalized; labels are not read.
 */
export function cropMinibatch(images: ProxyImages, count: number, rng: Rng): Minibatch {
  const { split, height, width } = images;
  const side = CROP_SIDE;
  const pixels = new Float32Array(count * side * side);
  for (let c = 0; c < count; c++) {
    const img = rng.int(split.count);
    const y0 = rng.int(height - side + 1);
    const x0 = rng.int(width - side + 1);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) pixels[(c * side + y) * side + x] = split.images[img * height * width + (y0 + y) * width + x0 + x];
    }
  }
  return tf.tidy(() => ({ images: tf.tensor4d(normalize(pixels), [count, side, side, 1]), labels: tf.zeros([count], 'int32') as tf.Tensor1D }));
}
