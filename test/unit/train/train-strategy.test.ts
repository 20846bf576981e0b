import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../../src-shared/model/algorithms/train';
import { RunConfig } from '../../../src-shared/model/run-config';
import { Rng } from '../../../src-shared/model/rng';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { createTrainStrategy } from '../../../src-main/engine/search/train';
import { resourcesDir } from '../../../src-main/host/paths';

describe('the train strategy', () => {
  it('keeps the tensor count flat across steps, frees everything on dispose, and reports what it promised', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const config = RunConfig.parse({ algorithm: 'train', steps: 4, batchSize: 8, evalEvery: 2, dataset: { testLimit: 20 } }) as TrainConfig;
    const points: MetricPoint[] = [];
    const reporter = { metrics: (p: MetricPoint[]) => points.push(...p), genotype() {}, artifact() {}, log() {}, progress() {} };
    const strategy = await createTrainStrategy({ config, rng: new Rng(1), reporter, resourcesDir: resourcesDir() });
    const counts: number[] = [];
    let done = false;
    while (!done) {
      ({ done } = await strategy.step());
      counts.push(tf.memory().numTensors);
    }
    // The first step creates the momentum buffers; after it, nothing may grow.
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(points.filter((p) => p.key === 'train.loss').map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(points.filter((p) => p.key === 'test.acc').map((p) => p.step)).toEqual([2, 4]);
    expect(strategy.genotype()).toBeNull();
  });
});
