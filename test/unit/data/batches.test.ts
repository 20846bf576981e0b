import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { resolve } from 'node:path';
import { BatchIterator, orderedBatches, splitIndices, type Batch } from '../../../src-main/engine/data/batches';
import { loadDataset } from '../../../src-main/engine/data/datasets';
import type { Split } from '../../../src-main/engine/data/types';
import { DatasetConfig } from '../../../src-shared/model/dataset';
import { Rng } from '../../../src-shared/model/rng';

await tf.setBackend('cpu');

/** Ten 2×2×1 images; image k is filled with the value 10·k and labelled k. */
const SPLIT: Split = {
  images: Uint8Array.from({ length: 40 }, (_, i) => 10 * (i >> 2)),
  labels: Uint8Array.from({ length: 10 }, (_, k) => k),
  count: 10,
};
const IDENTITY = { mean: [0], std: [1] };

const read = (b: Batch) => ({ x: Array.from(b.x.dataSync()), y: Array.from(b.y.dataSync()), epoch: b.epoch });
const take = (it: BatchIterator, n: number) =>
  Array.from({ length: n }, () => {
    const b = it.next();
    const r = read(b);
    tf.dispose([b.x, b.y]);
    return r;
  });

describe('splitIndices', () => {
  it('splits a seeded permutation into disjoint halves that cover every index', () => {
    const { train, valid } = splitIndices(11, 0.5, new Rng(3));
    expect(train).toHaveLength(5);
    expect(valid).toHaveLength(6);
    expect([...train, ...valid].sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(splitIndices(11, 0.5, new Rng(3))).toEqual({ train, valid });
    expect(() => splitIndices(10, 1, new Rng(0))).toThrow(/strictly between 0 and 1/);
  });
});

describe('BatchIterator', () => {
  it('yields normalized float32 NHWC images with int32 labels that match them', () => {
    const it = new BatchIterator(SPLIT, [2, 2, 1], { mean: [0.5], std: [0.25] }, { batchSize: 4, rng: new Rng(0) });
    const b = it.next();
    expect(b.x.shape).toEqual([4, 2, 2, 1]);
    expect(b.x.dtype).toBe('float32');
    expect(b.y.dtype).toBe('int32');
    const { x, y } = read(b);
    y.forEach((label, n) => {
      const expected = Math.fround((label * 10) / 255 / 0.25 - 0.5 / 0.25);
      for (let p = 0; p < 4; p++) expect(x[n * 4 + p]).toBeCloseTo(expected, 6);
    });
    tf.dispose([b.x, b.y]);
  });

  it('visits each index once per epoch, reshuffles per epoch, keeps the smaller last batch', () => {
    const indices = [1, 3, 4, 6, 8];
    const it = new BatchIterator(SPLIT, [2, 2, 1], IDENTITY, { batchSize: 2, rng: new Rng(7), indices });
    expect(it.batchesPerEpoch).toBe(3);
    const batches = take(it, 9);
    expect(batches.map((b) => b.y.length)).toEqual([2, 2, 1, 2, 2, 1, 2, 2, 1]);
    expect(batches.map((b) => b.epoch)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const epochs = [0, 1, 2].map((e) => batches.filter((b) => b.epoch === e).flatMap((b) => b.y));
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(indices);
    expect(new Set(epochs.map((o) => o.join(','))).size).toBeGreaterThan(1);
    const dropping = new BatchIterator(SPLIT, [2, 2, 1], IDENTITY, { batchSize: 2, rng: new Rng(7), indices, dropLast: true });
    expect(take(dropping, 4).map((b) => [b.y.length, b.epoch])).toEqual([[2, 0], [2, 0], [2, 1], [2, 1]]);
  });

  it('gives the same batches for the same seed, others for another', () => {
    const make = (seed: number) =>
      new BatchIterator(SPLIT, [2, 2, 1], IDENTITY, { batchSize: 3, rng: new Rng(seed), augment: { cropPadding: 1, horizontalFlip: true, cutout: 1 } });
    expect(take(make(11), 5)).toEqual(take(make(11), 5));
    expect(take(make(11), 5)).not.toEqual(take(make(12), 5));
  });

  it('refuses indices outside the split and mismatched normalization', () => {
    expect(() => new BatchIterator(SPLIT, [2, 2, 1], IDENTITY, { batchSize: 2, rng: new Rng(0), indices: [0, 10] })).toThrow(/batch index 10 is outside the split's 0..9/);
    expect(() => new BatchIterator(SPLIT, [2, 2, 1], { mean: [0, 0, 0], std: [1, 1, 1] }, { batchSize: 2, rng: new Rng(0) })).toThrow(/3 means and 3 stds for 1 channels/);
  });

  it('leaks no tensors over many batches of the embedded dataset with augmentation', async () => {
    const cfg = DatasetConfig.parse({ trainLimit: 256, augment: { cropPadding: 4, horizontalFlip: true, cutout: 16 } });
    const data = await loadDataset(cfg, resolve(import.meta.dirname, '../../../resources'), new Rng(0));
    const { train } = splitIndices(data.train.count, 0.5, new Rng(1));
    const it = new BatchIterator(data.train, data.shape, data.normalization, { batchSize: 32, rng: new Rng(2), indices: train, augment: cfg.augment });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const b = it.next();
      expect(b.x.shape).toEqual([32, 28, 28, 1]);
      tf.dispose([b.x, b.y]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('orderedBatches', () => {
  it('passes once over the images in order, the last batch smaller', () => {
    const batches = [...orderedBatches(SPLIT, [2, 2, 1], IDENTITY, 4, [9, 2, 5, 0, 7])].map((b) => {
      const r = read(b);
      tf.dispose([b.x, b.y]);
      return r.y;
    });
    expect(batches).toEqual([[9, 2, 5, 0], [7]]);
  });
});
