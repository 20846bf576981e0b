import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx, readIdxFolder } from '../../../src-main/engine/data/idx';
import { NORMALIZATION } from '../../../src-main/engine/data/datasets';
import { FASHION_DIR, tempDir } from './helpers';

const histogram = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);

describe('IDX reader on the real Fashion-MNIST files', () => {
  it('reads 60,000 + 10,000 images with their labels, and its normalization constants match the pixels', async () => {
    const data = await readIdxFolder(FASHION_DIR, 'Fashion-MNIST');
    expect([data.height, data.width]).toEqual([28, 28]);
    expect(data.train.count).toBe(60_000);
    expect(data.test.count).toBe(10_000);
    expect(data.train.images.length).toBe(60_000 * 784);
    // Expected values read independently with Python (gzip + numpy) from the same files.
    expect(Array.from(data.train.labels.subarray(0, 12))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9]);
    expect(Array.from(data.test.labels.subarray(0, 12))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5]);
    expect(histogram(data.train.labels)).toEqual(Array(10).fill(6000));
    expect(histogram(data.test.labels)).toEqual(Array(10).fill(1000));
    const first = data.train.images.subarray(0, 784);
    expect(first.reduce((a, b) => a + b, 0)).toBe(76_247);
    expect(Array.from(first.subarray(10 * 28 + 10, 10 * 28 + 14))).toEqual([0, 0, 0, 193]);

    let sum = 0;
    let sumSq = 0;
    for (const p of data.train.images) {
      sum += p;
      sumSq += p * p;
    }
    const n = data.train.images.length;
    const mean = sum / n / 255;
    const std = Math.sqrt(sumSq / n / 255 ** 2 - mean * mean);
    // The constants are written to 7 decimals.
    expect(Math.abs(mean - NORMALIZATION['fashion-mnist'].mean[0])).toBeLessThan(1e-6);
    expect(Math.abs(std - NORMALIZATION['fashion-mnist'].std[0])).toBeLessThan(1e-6);
  });
});

describe('IDX reader on hand-written files', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  const images = (count: number) => encodeIdx([count, 2, 3], Uint8Array.from({ length: count * 6 }, (_, i) => i));
  const labels = (values: number[]) => encodeIdx([values.length], Uint8Array.from(values));

  it('reads uncompressed files, gzipped ones and the dotted MNIST spelling alike', async () => {
    writeFileSync(join(temp.dir, 'train-images.idx3-ubyte'), images(2));
    writeFileSync(join(temp.dir, 'train-labels-idx1-ubyte.gz'), gzipSync(labels([3, 1])));
    writeFileSync(join(temp.dir, 't10k-images-idx3-ubyte'), images(1));
    writeFileSync(join(temp.dir, 't10k-labels-idx1-ubyte'), labels([7]));
    const data = await readIdxFolder(temp.dir, 'MNIST');
    expect([data.height, data.width]).toEqual([2, 3]);
    expect(Array.from(data.train.images)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(data.train.labels)).toEqual([3, 1]);
    expect(data.test.count).toBe(1);
  });

  it('names the file and the fault for bad magic, wrong dimensions and wrong sizes', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 3]), '/x/a', 3)).toThrow(/\/x\/a is not an IDX file: its magic number starts 1, 0/);
    expect(() => parseIdx(labels([1, 2]), '/x/labels', 3)).toThrow(/\/x\/labels has 1 dimensions \(magic 0x00000801\); expected an images \(idx3\)/);
    const truncated = images(2).subarray(0, 20);
    expect(() => parseIdx(truncated, '/x/t', 3)).toThrow(/\/x\/t has 4 data bytes, but its header \(2×2×3\) announces 12/);
  });

  it('refuses labels that do not match the images, or fall outside the classes', async () => {
    writeFileSync(join(temp.dir, 'train-images-idx3-ubyte'), images(2));
    writeFileSync(join(temp.dir, 'train-labels-idx1-ubyte'), labels([1, 2, 3]));
    writeFileSync(join(temp.dir, 't10k-images-idx3-ubyte'), images(1));
    writeFileSync(join(temp.dir, 't10k-labels-idx1-ubyte'), labels([12]));
    await expect(readIdxFolder(temp.dir, 'MNIST')).rejects.toThrow(/train-labels-idx1-ubyte has 3 labels but .*train-images-idx3-ubyte has 2 images/);
    writeFileSync(join(temp.dir, 'train-labels-idx1-ubyte'), labels([1, 2]));
    await expect(readIdxFolder(temp.dir, 'MNIST')).rejects.toThrow(/t10k-labels-idx1-ubyte: label 12 at index 0 is outside 0..9/);
  });

  it('lists the expected files when a folder lacks them', async () => {
    writeFileSync(join(temp.dir, 'train-images-idx3-ubyte'), images(2));
    await expect(readIdxFolder(temp.dir, 'Fashion-MNIST')).rejects.toThrow(
      /the Fashion-MNIST folder .* lacks its files: expected train-images-idx3-ubyte\(\.gz\), train-labels-idx1-ubyte\(\.gz\), t10k-images-idx3-ubyte\(\.gz\), t10k-labels-idx1-ubyte\(\.gz\)/,
    );
  });
});
