import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src-main/store';
import { evenlySpacedIndices } from '../../../src-main/store/downsample';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { LOCATIONS, tempDir } from './helpers';

describe('evenlySpacedIndices', () => {
  it('keeps first, last and evenly spaced points (hand-worked cases)', () => {
    // 10 points into 4: stride 9/3 = 3 -> 0, 3, 6, 9.
    expect(evenlySpacedIndices(10, 4)).toEqual([0, 3, 6, 9]);
    // 11 points into 4: stride 10/3 -> round(0, 3.33, 6.67, 10) = 0, 3, 7, 10.
    expect(evenlySpacedIndices(11, 4)).toEqual([0, 3, 7, 10]);
    // 5 points into 2: the ends.
    expect(evenlySpacedIndices(5, 2)).toEqual([0, 4]);
    expect(evenlySpacedIndices(3, 4)).toEqual([0, 1, 2]);
    expect(evenlySpacedIndices(0, 4)).toEqual([]);
  });

  it('refuses a maxPoints below 2', () => {
    expect(() => evenlySpacedIndices(10, 1)).toThrow(/maxPoints must be an integer of at least 2/);
  });
});

describe.each(LOCATIONS)('metrics (%s)', (where) => {
  let store: Store;
  let runId: number;
  let temp: ReturnType<typeof tempDir> | undefined;

  beforeEach(() => {
    temp = where === 'file' ? tempDir() : undefined;
    store = openStore(temp ? join(temp.dir, 'm.sqlite') : ':memory:');
    const e = store.experiments.create({ name: 'E' });
    runId = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config: {}, seed: 0 }).id;
  });
  afterEach(() => {
    store.close();
    temp?.remove();
  });

  it('appends a batch and reads series per key ordered by step', () => {
    // Written out of step order on purpose.
    store.metrics.append(runId, [
      { key: 'train.loss', step: 20, epoch: 0.2, value: 1.5 },
      { key: 'train.loss', step: 10, epoch: 0.1, value: 2.5 },
      { key: 'valid.acc', step: 10, epoch: 0.1, value: 0.3 },
      { key: 'train.loss', step: 30, epoch: 0.3, value: Number.NaN },
    ]);
    expect(store.metrics.keys(runId)).toEqual(['train.loss', 'valid.acc']);
    const [loss, acc] = store.metrics.query({ runId });
    expect(loss).toEqual({ key: 'train.loss', steps: [10, 20, 30], epochs: [0.1, 0.2, 0.3], values: [2.5, 1.5, Number.NaN] });
    expect(acc).toEqual({ key: 'valid.acc', steps: [10], epochs: [0.1], values: [0.3] });
    expect(store.metrics.query({ runId, keys: ['valid.acc', 'absent'] })).toEqual([
      acc,
      { key: 'absent', steps: [], epochs: [], values: [] },
    ]);
    expect(store.metrics.query({ runId, keys: ['train.loss'], fromStep: 15, toStep: 30 })[0].steps).toEqual([20, 30]);
  });

  it('replaces a point re-reported at the same step (a resumed run)', () => {
    store.metrics.append(runId, [{ key: 'k', step: 5, epoch: 0, value: 1 }]);
    store.metrics.append(runId, [{ key: 'k', step: 5, epoch: 0, value: 2 }]);
    expect(store.metrics.query({ runId })[0].values).toEqual([2]);
  });

  it('writes nothing from a batch that holds a bad point, and names the problem', () => {
    const points: MetricPoint[] = [
      { key: 'k', step: 1, epoch: 0, value: 1 },
      { key: 'k', step: -1, epoch: 0, value: 1 },
    ];
    expect(() => store.metrics.append(runId, points)).toThrow(/metric 'k' has step -1/);
    expect(() => store.metrics.append(9999, [points[0]])).toThrow(/run 9999 does not exist/);
    expect(store.metrics.keys(runId)).toEqual([]);
  });

  it('downsamples 100k points to maxPoints per key, first and last kept, evenly spaced', () => {
    const n = 100_000;
    const points: MetricPoint[] = [];
    for (let i = 0; i < n; i++) {
      points.push({ key: 'train.loss', step: i * 2, epoch: i / 1000, value: Math.sin(i) });
      if (i % 10 === 0) points.push({ key: 'valid.acc', step: i * 2, epoch: i / 1000, value: i / n });
    }
    store.metrics.append(runId, points);
    const [acc, loss] = store.metrics.query({ runId, keys: ['valid.acc', 'train.loss'], maxPoints: 500 });
    expect(loss.steps).toHaveLength(500);
    expect(acc.steps).toHaveLength(500);
    // Independent expectation: the k-th kept point is index round(k * (n - 1) / 499), whose step is twice that.
    const expectedSteps = Array.from({ length: 500 }, (_, k) => 2 * Math.round((k * (n - 1)) / 499));
    expect(loss.steps).toEqual(expectedSteps);
    expect(loss.values).toEqual(expectedSteps.map((s) => Math.sin(s / 2)));
    expect(loss.steps[0]).toBe(0);
    expect(loss.steps[499]).toBe(2 * (n - 1));
    expect(acc.steps[0]).toBe(0);
    expect(acc.steps[499]).toBe(2 * (n - 10));
    // Within a step range the range's own ends are kept: steps 1002..2000 are 500 points, stride
    // 499 / 2 = 249.5, Math.round(249.5) = 250 -> step 1002 + 2 * 250 = 1502.
    const part = store.metrics.query({ runId, keys: ['train.loss'], fromStep: 1001, toStep: 2001, maxPoints: 3 })[0];
    expect(part.steps).toEqual([1002, 1502, 2000]);
  });
});
