import { join } from 'node:path';
import type { DatasetConfig } from '../../../src-shared/model/dataset';
import type { Rng } from '../../../src-shared/model/rng';
import { readCifarFolder } from './cifar';
import { readIdxFolder } from './idx';
import type { ImageShape, Normalization, Split } from './types';

export type DatasetName = DatasetConfig['name'];

export interface LoadedDataset {
  name: DatasetName;
  classes: number;
  classNames: string[];
  /** [height, width, channels]; images are NHWC bytes. */
  shape: ImageShape;
  /** What the batch iterator applies: (pixel / 255 - mean) / std per channel. */
  normalization: Normalization;
  train: Split;
  test: Split;
}

/** The embedded Fashion-MNIST subset, under the app's resources folder. */
export const EMBEDDED_FOLDER = 'fashion-mnist-sample';

const FASHION_MNIST_NORM: Normalization = { mean: [0.2860406], std: [0.3530242] };

/**
 * Per-dataset normalization. CIFAR-10 and CIFAR-100 are the DARTS code's figures (cnn/utils.py and
 * NAS-Bench-201's); MNIST's is the usual PyTorch one; Fashion-MNIST's was computed over all
 * 47,040,000 pixels of its 60,000 training images (docs/datasets.md). The embedded subset uses the
 * full Fashion-MNIST figure, so a model trained on it sees the same input scale as on the full set.
 */
export const NORMALIZATION: Record<DatasetName, Normalization> = {
  embedded: FASHION_MNIST_NORM,
  'fashion-mnist': FASHION_MNIST_NORM,
  mnist: { mean: [0.1307], std: [0.3081] },
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  cifar100: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
};

const FASHION_MNIST_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

/**
 * `limit` images of `split` chosen uniformly at random without replacement, kept in file order
 * (the batch iterator shuffles). The whole split when `limit` is absent or not smaller.
 */
export function subsetSplit(split: Split, pixelsPerImage: number, limit: number | undefined, rng: Rng): Split {
  if (limit === undefined || limit >= split.count) return split;
  const order = rng.shuffle(Array.from({ length: split.count }, (_, i) => i));
  const chosen = order.slice(0, limit).sort((a, b) => a - b);
  const images = new Uint8Array(limit * pixelsPerImage);
  const labels = new Uint8Array(limit);
  chosen.forEach((src, dst) => {
    images.set(split.images.subarray(src * pixelsPerImage, (src + 1) * pixelsPerImage), dst * pixelsPerImage);
    labels[dst] = split.labels[src];
  });
  return { images, labels, count: limit };
}

async function readRaw(cfg: DatasetConfig, resourcesDir: string): Promise<Omit<LoadedDataset, 'normalization' | 'name'>> {
  const dirOf = (): string => {
    if (!cfg.dir) throw new Error(`dataset '${cfg.name}' needs "dir": the folder that holds its files`);
    return cfg.dir;
  };
  switch (cfg.name) {
    case 'embedded':
    case 'fashion-mnist':
    case 'mnist': {
      const dir = cfg.name === 'embedded' ? join(resourcesDir, EMBEDDED_FOLDER) : dirOf();
      const idx = await readIdxFolder(dir, cfg.name === 'mnist' ? 'MNIST' : 'Fashion-MNIST');
      const classNames = cfg.name === 'mnist' ? DIGITS : FASHION_MNIST_NAMES;
      return { classes: 10, classNames, shape: [idx.height, idx.width, 1], train: idx.train, test: idx.test };
    }
    case 'cifar10':
    case 'cifar100': {
      const cifar = await readCifarFolder(dirOf(), cfg.name);
      return { classes: cfg.name === 'cifar10' ? 10 : 100, classNames: cifar.classNames, shape: [32, 32, 3], train: cifar.train, test: cifar.test };
    }
  }
}

/**
 * Reads the configured dataset, then applies trainLimit/testLimit as seeded random subsets drawn
 * from forks of `rng` (so they do not depend on how far `rng` has been used).
 */
export async function loadDataset(cfg: DatasetConfig, resourcesDir: string, rng: Rng): Promise<LoadedDataset> {
  const raw = await readRaw(cfg, resourcesDir);
  const pixels = raw.shape[0] * raw.shape[1] * raw.shape[2];
  return {
    ...raw,
    name: cfg.name,
    normalization: NORMALIZATION[cfg.name],
    train: subsetSplit(raw.train, pixels, cfg.trainLimit, rng.fork('dataset.train-subset')),
    test: subsetSplit(raw.test, pixels, cfg.testLimit, rng.fork('dataset.test-subset')),
  };
}
