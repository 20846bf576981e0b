import * as tf from '@tensorflow/tfjs';
import type { Nb201Genotype } from '../../../src-shared/model/genotype';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlackBoxEvaluatorConfig, Nb201SupernetEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../src-shared/model/rng';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { loadTrainingData } from '../../../src-main/engine/search/blackbox/evaluators/nb201-training';
import { createSupernetEvaluator, type SupernetEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/supernet-evaluator';
import { initBackends } from '../backend/compare';
import { recordingReporter } from './fake-benchmark';
import { ALL_CONV, ALL_NONE } from './reference-cells';

const cells = new Nb201Cells();
const MIXED = ['|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|skip_connect~2|', '|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_1x1~2|'];
/** A tiny NB201 supernet (C=4, one cell per stage) trained 4 epochs on 1500 embedded Fashion-MNIST images (lr 0.1: the default 0.025 learns too little in 184 steps). */
const config = Nb201SupernetEvaluatorConfig.parse({
  kind: 'nb201-supernet',
  dataset: { name: 'embedded', trainLimit: 3000 },
  channels: 4,
  cellsPerStage: 1,
  batchSize: 32,
  learningRate: 0.1,
  supernetEpochs: 4,
  validBatches: 8,
});

let evaluator: SupernetEvaluator<number, Nb201Genotype>;
const logs: string[] = [];
beforeAll(async () => {
  await initBackends();
  const reporter = recordingReporter();
  evaluator = await createSupernetEvaluator(config, 'resources', cells, new Rng(3), reporter);
  logs.push(...reporter.seen.logs);
});

describe('supernet evaluator schema', () => {
  it('defaults to RSWS on DARTS training settings over the embedded sample', () => {
    const c = BlackBoxEvaluatorConfig.parse({ kind: 'nb201-supernet' });
    expect(c).toMatchObject({ dataset: { name: 'embedded' }, supernetEpochs: 5, batchSize: 64, learningRate: 0.025, learningRateMin: 0.001, weightDecay: 3e-4, gradClip: 5, validBatches: 10 });
  });

  it('refuses a minimum learning rate above the maximum and a zero validation budget', () => {
    const bad = BlackBoxEvaluatorConfig.safeParse({ kind: 'nb201-supernet', learningRate: 0.01, learningRateMin: 0.1, validBatches: 0 });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['validBatches']));
    const lr = BlackBoxEvaluatorConfig.safeParse({ kind: 'nb201-supernet', learningRate: 0.01, learningRateMin: 0.1 });
    expect(lr.error?.issues[0].message).toMatch(/learningRateMin must not exceed learningRate/);
  });
});

describe('supernet evaluator on embedded Fashion-MNIST', () => {
  it('logs its training once and scores cells with the shared weights, each query one query, no leak', async () => {
    expect(evaluator.costUnit).toBe('queries');
    expect(logs.filter((l) => l.startsWith('supernet trained in'))).toHaveLength(1);
    expect(logs.filter((l) => l.startsWith('supernet epoch'))).toHaveLength(4);
    const before = tf.memory().numTensors;
    const first = await evaluator.evaluate({ space: 'nb201', arch: ALL_CONV });
    const others = await Promise.all(MIXED.map((arch) => evaluator.evaluate({ space: 'nb201', arch })));
    const second = await evaluator.evaluate({ space: 'nb201', arch: ALL_CONV });
    expect(tf.memory().numTensors).toBe(before);
    expect(second).toEqual(first);
    for (const e of [first, ...others]) {
      expect(e.cost).toBe(1);
      expect(e.test).toBeUndefined();
      expect(e.metric).toBeGreaterThanOrEqual(0);
      expect(e.metric).toBeLessThanOrEqual(100);
    }
  });

  it('ranks a convolutional cell above the all-none cell, which scores the frequency of one class', async () => {
    const none = await evaluator.evaluate({ space: 'nb201', arch: ALL_NONE });
    const conv = await evaluator.evaluate({ space: 'nb201', arch: ALL_CONV });
    // The scored images: the first validBatches·batchSize of the held-out part, split with the same forks.
    const data = await loadTrainingData(config, 'resources', new Rng(3).fork('data'));
    const scored = data.valid.slice(0, config.validBatches * config.batchSize);
    const counts = new Array<number>(data.data.classes).fill(0);
    for (const i of scored) counts[data.data.train.labels[i]]++;
    expect(counts.some((c) => Math.abs((100 * c) / scored.length - none.metric) < 1e-9)).toBe(true);
    expect(conv.metric).toBeGreaterThan(none.metric + 10);
  });

  it('is deterministic from its seed', async () => {
    const twin = await createSupernetEvaluator(config, 'resources', cells, new Rng(3), recordingReporter());
    for (const arch of [ALL_CONV, ...MIXED]) {
      expect((await twin.evaluate({ space: 'nb201', arch })).metric).toBe((await evaluator.evaluate({ space: 'nb201', arch })).metric);
    }
    twin.dispose();
  });
});
