import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlackBoxEvaluatorConfig, Nb201TrainingEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../src-shared/model/rng';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { loadTrainingData, nb201CellRecipe, type TrainingData } from '../../../src-main/engine/search/blackbox/evaluators/nb201-training';
import { ResumableTrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/resumable-training';
import { TrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/training-evaluator';
import { initBackends } from '../backend/compare';
import { ALL_CONV, ALL_NONE } from './reference-cells';

const cells = new Nb201Cells();
/** A tiny NB201 network (C=4, one cell per stage) on 2000 embedded Fashion-MNIST images, 1000 of them held out. */
const config = Nb201TrainingEvaluatorConfig.parse({
  kind: 'nb201-train',
  dataset: { name: 'embedded', trainLimit: 2000 },
  channels: 4,
  cellsPerStage: 1,
  batchSize: 32,
  epochs: 3,
});

let data: TrainingData;
beforeAll(async () => {
  await initBackends();
  data = await loadTrainingData(config, 'resources', new Rng(7).fork('data'));
});

const trainingEvaluator = () =>
  new TrainingEvaluator('nb201-train', new ResumableTrainingEvaluator('nb201-train', nb201CellRecipe(cells, config, data), config, data, new Rng(7).fork('cells')));

describe('short-training evaluator schema', () => {
  it('defaults to NAS-Bench-201 training on the embedded Fashion-MNIST sample', () => {
    const c = BlackBoxEvaluatorConfig.parse({ kind: 'nb201-train' });
    expect(c).toMatchObject({ dataset: { name: 'embedded' }, epochs: 1, channels: 16, cellsPerStage: 5, learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4, trainPortion: 0.5 });
  });

  it('names the bad field', () => {
    const bad = BlackBoxEvaluatorConfig.safeParse({ kind: 'nb201-train', epochs: 0, trainPortion: 1, dataset: { name: 'cifar10' } });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['epochs', 'trainPortion', 'dataset.dir']));
    expect(() => BlackBoxEvaluatorConfig.parse({ kind: 'nb201-train', learningRateMin: 0 })).toThrow(/learningRateMin/);
  });
});

describe('short-training evaluator on embedded Fashion-MNIST', () => {
  it('scores the all-none cell at the frequency of one class: its logits do not depend on the image', async () => {
    const evaluator = trainingEvaluator();
    const { metric, cost, test } = await evaluator.evaluate({ space: 'nb201', arch: ALL_NONE });
    const counts = new Array<number>(data.data.classes).fill(0);
    for (const i of data.valid) counts[data.data.train.labels[i]]++;
    const frequencies = counts.map((c) => (100 * c) / data.valid.length);
    expect(frequencies.some((f) => Math.abs(f - metric) < 1e-9)).toBe(true);
    expect(metric).toBeLessThan(20);
    expect(cost).toBe(3);
    expect(test).toBeUndefined();
  });

  it('trains a convolutional cell well above chance, reproducibly, without leaking tensors', async () => {
    const evaluator = trainingEvaluator();
    const before = tf.memory().numTensors;
    const first = await evaluator.evaluate({ space: 'nb201', arch: ALL_CONV });
    expect(tf.memory().numTensors).toBe(before);
    // A cell evaluated after another gets the same result: its network and batches come from the cell's own rng fork.
    const mixed = await evaluator.evaluate({ space: 'nb201', arch: '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|' });
    expect(tf.memory().numTensors).toBe(before);
    const again = await trainingEvaluator().evaluate({ space: 'nb201', arch: ALL_CONV });
    expect(again.metric).toBe(first.metric);
    expect(first.metric).toBeGreaterThan(40);
    expect(first.metric).toBeLessThanOrEqual(100);
    expect(mixed.metric).toBeGreaterThanOrEqual(0);
    expect(mixed.metric).toBeLessThanOrEqual(100);
  });
});
