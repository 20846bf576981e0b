import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { loadDataset, NORMALIZATION, subsetSplit } from '../../../src-main/engine/data/datasets';
import { readIdxFolder } from '../../../src-main/engine/data/idx';
import type { Split } from '../../../src-main/engine/data/types';
import { DatasetConfig } from '../../../src-shared/model/dataset';
import { Rng } from '../../../src-shared/model/rng';
import { FASHION_DIR, tempDir } from './helpers';

const RESOURCES = resolve(import.meta.dirname, '../../../resources');
const PIXELS = 784;
const histogram = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);

/** Index of image `i` of `part` inside `whole` (exact bytes, at an image boundary, same label), or -1. */
function findIn(whole: Split, part: Split, i: number): number {
  const haystack = Buffer.from(whole.images.buffer, whole.images.byteOffset, whole.images.byteLength);
  const needle = Buffer.from(part.images.subarray(i * PIXELS, (i + 1) * PIXELS));
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (at % PIXELS === 0 && whole.labels[at / PIXELS] === part.labels[i]) return at / PIXELS;
  }
  return -1;
}

describe('loadDataset', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('loads the embedded sample: 6,000 + 1,000 balanced Fashion-MNIST images taken unchanged from the full set', async () => {
    const data = await loadDataset(DatasetConfig.parse({}), RESOURCES, new Rng(1));
    expect(data).toMatchObject({ name: 'embedded', classes: 10, shape: [28, 28, 1], normalization: NORMALIZATION['fashion-mnist'] });
    expect(data.classNames[9]).toBe('Ankle boot');
    expect(data.train.count).toBe(6000);
    expect(data.test.count).toBe(1000);
    expect(histogram(data.train.labels)).toEqual(Array(10).fill(600));
    expect(histogram(data.test.labels)).toEqual(Array(10).fill(100));
    const full = await readIdxFolder(FASHION_DIR, 'Fashion-MNIST');
    for (const i of [0, 1, 2999, 5999]) expect(findIn(full.train, data.train, i)).toBeGreaterThanOrEqual(0);
    for (const i of [0, 999]) expect(findIn(full.test, data.test, i)).toBeGreaterThanOrEqual(0);
  });

  it('takes seeded subsets for trainLimit/testLimit: same seed, same images', async () => {
    const cfg = DatasetConfig.parse({ trainLimit: 300, testLimit: 50 });
    const a = await loadDataset(cfg, RESOURCES, new Rng(5));
    const b = await loadDataset(cfg, RESOURCES, new Rng(5));
    const c = await loadDataset(cfg, RESOURCES, new Rng(6));
    expect([a.train.count, a.test.count, a.train.images.length]).toEqual([300, 50, 300 * PIXELS]);
    expect(Buffer.from(a.train.images).equals(Buffer.from(b.train.images))).toBe(true);
    expect(Buffer.from(a.train.labels).equals(Buffer.from(b.train.labels))).toBe(true);
    expect(Buffer.from(a.train.images).equals(Buffer.from(c.train.images))).toBe(false);
    const whole = await loadDataset(DatasetConfig.parse({}), RESOURCES, new Rng(5));
    for (const i of [0, 150, 299]) expect(findIn(whole.train, a.train, i)).toBeGreaterThanOrEqual(0);
  });

  it('keeps the split whole for a limit at or above its size, and subsets image with label', () => {
    const split: Split = { images: Uint8Array.from({ length: 5 * 2 }, (_, i) => i >> 1), labels: Uint8Array.from([0, 1, 2, 3, 4]), count: 5 };
    expect(subsetSplit(split, 2, 5, new Rng(0))).toBe(split);
    const sub = subsetSplit(split, 2, 3, new Rng(0));
    expect(sub.count).toBe(3);
    // Image k is filled with the value k and has label k, so each chosen pair must agree.
    for (let i = 0; i < 3; i++) expect([sub.images[2 * i], sub.images[2 * i + 1]]).toEqual([sub.labels[i], sub.labels[i]]);
    expect([...sub.labels]).toEqual([...sub.labels].sort());
  });

  it('says which files a folder lacks, and that a folder is needed', async () => {
    await expect(loadDataset(DatasetConfig.parse({ name: 'mnist', dir: temp.dir }), RESOURCES, new Rng(0))).rejects.toThrow(
      new RegExp(`the MNIST folder ${temp.dir} lacks its files: expected train-images-idx3-ubyte`),
    );
    await expect(loadDataset(DatasetConfig.parse({ name: 'cifar100', dir: temp.dir }), RESOURCES, new Rng(0))).rejects.toThrow(
      /cifar100 folder .* lacks its files: expected train.bin, test.bin/,
    );
    const noDir = { name: 'cifar10', augment: { cropPadding: 0, horizontalFlip: false, cutout: 0 } } as DatasetConfig;
    await expect(loadDataset(noDir, RESOURCES, new Rng(0))).rejects.toThrow(/dataset 'cifar10' needs "dir"/);
  });

  it('reads the full Fashion-MNIST from a folder', async () => {
    const data = await loadDataset(DatasetConfig.parse({ name: 'fashion-mnist', dir: FASHION_DIR, testLimit: 10 }), join(temp.dir, 'none'), new Rng(0));
    expect([data.train.count, data.test.count]).toEqual([60_000, 10]);
  });
});
