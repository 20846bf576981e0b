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
