import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { measureComplexity } from '../../../src-main/engine/evaluate/complexity';
import { Nb201EvalNetwork, NB201_EVAL_SHAPE } from '../../../src-main/engine/evaluate/nb201-eval-network';
import { blackBoxFactory } from '../../../src-main/engine/search/blackbox/factory';
import type { BlackBoxStrategy } from '../../../src-main/engine/search/blackbox/strategies/base';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { recordingReporter } from '../blackbox/fake-benchmark';

beforeAll(async () => {
  await selectBackend();
});

/** NAS-Bench-201's parameter count of a cell, measured on its evaluation network directly (not through the proxy code). */
async function paramsOf(arch: string): Promise<number> {
  const cells = new Nb201Cells();
  const net = new Nb201EvalNetwork(cells.toGenotype(cells.fromArchString(arch)), { height: 32, width: 32, channels: 3, classes: 10 }, NB201_EVAL_SHAPE, new Rng(0));
  const { params } = await measureComplexity(net);
  net.dispose();
  return params;
}

async function firstQueries(algorithm: string, extra: Record<string, unknown>, steps: number): Promise<string[]> {
  const config = RunConfig.parse({ algorithm, budget: 30, seed: 4, warmStart: { proxy: 'params', candidates: 6 }, ...extra });
  const reporter = recordingReporter();
  const before = tf.memory().numTensors;
  const strategy = (await blackBoxFactory({ config, rng: new Rng(4), reporter, resourcesDir: 'resources' } as never)) as BlackBoxStrategy;
  for (let i = 0; i < steps; i++) await strategy.step();
  strategy.dispose();
  expect(tf.memory().numTensors).toBe(before);
  expect(reporter.seen.logs.some((l) => l.startsWith('warm start: 6 cells scored with params'))).toBe(true);
  return reporter.seen.evaluations.map((e) => e.arch);
}

describe('zero-cost warm start of the black-box searches', () => {
  it('random search queries the 6 candidates first, largest parameter count first, then carries on', async () => {
    const archs = await firstQueries('random', {}, 8);
    expect(archs).toHaveLength(8);
    const params = await Promise.all(archs.slice(0, 6).map(paramsOf));
    for (let i = 1; i < 6; i++) expect(params[i]).toBeLessThanOrEqual(params[i - 1]);
    expect(new Set(archs).size).toBe(8);
  });

  it("regularized evolution's initial population starts with the same ranked cells (same seed, same candidates)", async () => {
    const random = await firstQueries('random', {}, 6);
    const rea = await firstQueries('rea', { populationSize: 10 }, 6);
    expect(rea).toEqual(random);
  });
});

describe('a zero-cost proxy as an extra input of BANANAS’s predictor', () => {
  it('runs BANANAS to its budget with the params quartile appended to the path encoding, leaving no tensor behind', async () => {
    const config = RunConfig.parse({
      algorithm: 'bananas',
      budget: 6,
      seed: 2,
      numInit: 4,
      batchSize: 2,
      numCandidates: 6,
      proxyFeature: 'params',
      predictor: { ensembleSize: 1, epochs: 5 },
    });
    const reporter = recordingReporter();
    const before = tf.memory().numTensors;
    const strategy = (await blackBoxFactory({ config, rng: new Rng(2), reporter, resourcesDir: 'resources' } as never)) as BlackBoxStrategy;
    let done = false;
    while (!done) ({ done } = await strategy.step());
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(new Set(reporter.seen.evaluations.map((e) => e.arch)).size).toBe(6);
  });

  it('the feature is the quartile among the fitted cells: 4 cells of growing parameter count fill bins 0, 1, 2, 3', async () => {
    const { ProxyQuartileFeature } = await import('../../../src-main/engine/search/blackbox/proxy-feature');
    const cells = new Nb201Cells();
    const archs = ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|', '|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|', '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|', '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'].map((a) => cells.fromArchString(a));
    const feature = await ProxyQuartileFeature.create('params', cells, 'cifar10', 'resources', 0);
    await feature.prepare(archs, []);
    // No conv < one 1×1 conv < one 3×3 conv < six 3×3 convs: 0, 1, 2 and 3 of the 4 values lie below each.
    expect(archs.map((a) => feature.ones(a))).toEqual([[0], [1], [2], [3]]);
    feature.dispose();
  });
});
