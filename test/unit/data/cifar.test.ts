import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCifarBatch, readCifarFolder } from '../../../src-main/engine/data/cifar';
import { tempDir } from './helpers';

/**
 * A batch in the documented binary layout: label byte(s), then the red, green and blue planes of
 * 32×32 row-major pixels. Pixel (ch, y, x) of record n holds (n * 7 + ch * 50 + y * 3 + x) mod 256.
 */
function cifarBytes(labels: number[][]): Uint8Array {
  const record = labels[0].length + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((lab, n) => {
    out.set(lab, n * record);
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) out[n * record + lab.length + ch * 1024 + y * 32 + x] = (n * 7 + ch * 50 + y * 3 + x) % 256;
      }
    }
  });
  return out;
}
const expectedPixel = (n: number, y: number, x: number, ch: number) => (n * 7 + ch * 50 + y * 3 + x) % 256;

describe('CIFAR binary batches', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('turns CHW records into NHWC images with their labels', () => {
    const split = parseCifarBatch(cifarBytes([[3], [9]]), 'batch', 'cifar10');
    expect(split.count).toBe(2);
    expect(Array.from(split.labels)).toEqual([3, 9]);
    for (const [n, y, x] of [[0, 0, 0], [1, 5, 17], [1, 31, 31]]) {
      const at = n * 3072 + (y * 32 + x) * 3;
      expect(Array.from(split.images.subarray(at, at + 3))).toEqual([0, 1, 2].map((ch) => expectedPixel(n, y, x, ch)));
    }
  });

  it('reads the five CIFAR-10 training batches and the test batch, also from the archive subfolder', async () => {
    const folder = join(temp.dir, 'cifar-10-batches-bin');
    mkdirSync(folder);
    for (let b = 1; b <= 5; b++) writeFileSync(join(folder, `data_batch_${b}.bin`), cifarBytes([[b], [b - 1]]));
    writeFileSync(join(folder, 'test_batch.bin'), cifarBytes([[4]]));
    const data = await readCifarFolder(temp.dir, 'cifar10');
    expect(data.train.count).toBe(10);
    expect(Array.from(data.train.labels)).toEqual([1, 0, 2, 1, 3, 2, 4, 3, 5, 4]);
    expect(Array.from(data.test.labels)).toEqual([4]);
    expect(data.classNames[0]).toBe('airplane');
  });

  it('uses the fine label of CIFAR-100 and its label names file', async () => {
    writeFileSync(join(temp.dir, 'train.bin'), cifarBytes([[1, 42], [19, 99]]));
    writeFileSync(join(temp.dir, 'test.bin'), cifarBytes([[0, 7]]));
    writeFileSync(join(temp.dir, 'fine_label_names.txt'), Array.from({ length: 100 }, (_, i) => `n${i}`).join('\n') + '\n');
    const data = await readCifarFolder(temp.dir, 'cifar100');
    expect(Array.from(data.train.labels)).toEqual([42, 99]);
    expect(Array.from(data.test.labels)).toEqual([7]);
    expect(data.classNames[99]).toBe('n99');
    const at = 1 * 3072 + (2 * 32 + 4) * 3;
    expect(data.train.images[at + 2]).toBe(expectedPixel(1, 2, 4, 2));
  });

  it('refuses a wrong size or label and lists missing files', async () => {
    expect(() => parseCifarBatch(new Uint8Array(3074), '/d/b.bin', 'cifar10')).toThrow(/\/d\/b.bin is not a cifar10 binary batch: 3074 bytes is not a multiple of the 3073-byte record/);
    expect(() => parseCifarBatch(cifarBytes([[10]]), '/d/b.bin', 'cifar10')).toThrow(/record 0 has label 10, outside 0..9/);
    writeFileSync(join(temp.dir, 'test_batch.bin'), cifarBytes([[1]]));
    await expect(readCifarFolder(temp.dir, 'cifar10')).rejects.toThrow(/lacks its files: expected data_batch_1.bin, .*data_batch_5.bin, test_batch.bin/);
  });
});
