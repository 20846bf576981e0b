import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { BlackBoxStrategy } from '../../../src-main/engine/search/blackbox/strategies/base';
import { blackBoxFactory } from '../../../src-main/engine/search/blackbox/factory';
import { initBackends } from '../backend/compare';
import { recordingReporter } from './fake-benchmark';

beforeAll(initBackends);

/** The smallest network and data that still train: C=4, one cell per stage, 400 embedded images. */
const tiny = { dataset: { name: 'embedded', trainLimit: 400 }, channels: 4, cellsPerStage: 1, batchSize: 32 };

async function run(evaluator: Record<string, unknown>, budget: number) {
  const config = RunConfig.parse({ algorithm: 'random', budget, seed: 11, evaluator });
  if (config.algorithm !== 'random') throw new Error('parsed to the wrong algorithm');
  const reporter = recordingReporter();
  const before = tf.memory().numTensors;
  const strategy = (await blackBoxFactory({ config, rng: new Rng(config.seed), reporter, resourcesDir: 'resources' })) as BlackBoxStrategy;
  expect(strategy.totalSteps).toBe(budget);
  let done = false;
  while (!done) ({ done } = await strategy.step());
  strategy.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return reporter.seen;
}

describe('random search through the black-box factory with the training evaluators', () => {
  it('short training from scratch: one query per step, each costing its epochs', async () => {
    const seen = await run({ kind: 'nb201-train', ...tiny, epochs: 1 }, 3);
    expect(seen.evaluations).toHaveLength(3);
    expect(new Set(seen.evaluations.map((e) => e.arch)).size).toBe(3);
    for (const e of seen.artifacts.filter((a) => a.kind === 'evaluation')) {
      expect(e.data.cost).toBe(1);
      expect(e.data.test).toBeUndefined();
      expect(e.data.metric as number).toBeGreaterThanOrEqual(0);
      expect(e.data.metric as number).toBeLessThanOrEqual(100);
    }
    const best = Math.max(...seen.evaluations.map((e) => e.metric));
    expect(seen.metrics.filter((m) => m.key === 'search.best_val').at(-1)?.value).toBe(best);
    expect(seen.genotypes.filter((g) => g.final)).toHaveLength(1);
    expect(seen.logs.some((l) => l.startsWith('short training: embedded'))).toBe(true);
    expect(seen.logs.some((l) => l.startsWith('random on nb201-train:embedded:1ep: 3 queries'))).toBe(true);
  });

  it('supernet shared weights: trained once before the first query, each query costing one', async () => {
    const seen = await run({ kind: 'nb201-supernet', ...tiny, supernetEpochs: 1, validBatches: 2 }, 4);
    expect(seen.evaluations).toHaveLength(4);
    expect(seen.artifacts.filter((a) => a.kind === 'evaluation').map((a) => a.data.cost)).toEqual([1, 1, 1, 1]);
    for (const e of seen.evaluations) expect(Number.isFinite(e.metric)).toBe(true);
    expect(seen.logs.filter((l) => l.startsWith('supernet trained in'))).toHaveLength(1);
    expect(seen.logs.findIndex((l) => l.startsWith('supernet trained in'))).toBeLessThan(seen.logs.findIndex((l) => l.startsWith('random on nb201-supernet')));
    expect(seen.genotypes.filter((g) => g.final)).toHaveLength(1);
  });
});
