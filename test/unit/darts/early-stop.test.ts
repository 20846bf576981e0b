import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import { EarlyStopConfig, eigenvalueGrew } from '../../../src-shared/model/algorithms/early-stop';
import { PvllConfig } from '../../../src-shared/model/algorithms/pvll';
import type { Genotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { EarlyStop } from '../../../src-main/engine/search/oneshot/early-stop';
import { DartsStrategy } from '../../../src-main/engine/search/oneshot/darts';
import { TINY_SPACE, recorder, synthetic, validationSplit } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * A recorded trace shaped like RobustDARTS's figure 1 (flat, then rising), one eigenvalue per epoch.
 * Trailing means of 3, by hand: 0.1, 0.105, 0.10333, 0.11, 0.11667, 0.13333, 0.15667, 0.19667, 0.25667.
 * Ratios two measurements apart: epoch 4 / 2: 1.048, 5 / 3: 1.129, 6 / 4: 1.212, 7 / 5: 1.343 > 1.3.
 */
const TRACE = [0.1, 0.11, 0.1, 0.12, 0.13, 0.15, 0.19, 0.25, 0.33];
const genotypeOf = (epoch: number): Genotype => ({ space: 'nb201', arch: `|skip_connect~0|+|none~0|none~1|+|none~0|none~1|nor_conv_${epoch}x${epoch}~2|` });

function stopEpoch(options: EarlyStopConfig, trace = TRACE, every = 1): { epoch: number; answer: Genotype } | null {
  const es = new EarlyStop(options);
  for (let epoch = 1; epoch <= trace.length * every; epoch++) {
    const measured = epoch % every === 0 ? trace[epoch / every - 1] : null;
    const answer = es.endEpoch(epoch, measured, genotypeOf(epoch));
    if (answer) return { epoch, answer };
  }
  return null;
}

describe('DARTS-ES on a recorded eigenvalue trace', () => {
  const options = EarlyStopConfig.parse({ factor: 1.3, window: 3, delta: 2, startEpoch: 2 });

  it('stops at the first epoch whose local average grew past the ratio, answering the epoch before', () => {
    expect(stopEpoch(options)).toEqual({ epoch: 7, answer: genotypeOf(6) });
  });

  it('waits until the earlier average is at or after startEpoch (epoch 8: 0.19667 / 0.13333 = 1.475)', () => {
    expect(stopEpoch({ ...options, startEpoch: 6 })).toEqual({ epoch: 8, answer: genotypeOf(7) });
  });

  it('counts measurements, not epochs, when the eigenvalue comes every other epoch', () => {
    // Measurement 7 (epoch 14) is the first past the ratio; the answer is epoch 13's architecture.
    expect(stopEpoch({ ...options, startEpoch: 4 }, TRACE, 2)).toEqual({ epoch: 14, answer: genotypeOf(13) });
  });

  it('never stops on a flat trace, nor on growth from a non-positive curvature', () => {
    expect(stopEpoch(options, [0.2, 0.21, 0.19, 0.2, 0.22, 0.2, 0.21])).toBeNull();
    expect(eigenvalueGrew([{ epoch: 3, value: -0.1 }, { epoch: 4, value: 0.5 }], { factor: 1.3, window: 1, delta: 1, startEpoch: 0 })).toBe(false);
  });

  it('the config refuses earlyStop without the eigenvalue, and PVLL-NAS refuses it', () => {
    expect(() => DartsConfig.parse({ algorithm: 'darts', hessianEvery: 0, earlyStop: {} })).toThrow(/set hessianEvery/);
    expect(() => PvllConfig.parse({ algorithm: 'pvll', hessianEvery: 1, earlyStop: {} })).toThrow(/PVLL-NAS has no per-epoch/);
  });
});

describe('DARTS-ES in a DARTS search', () => {
  it('ends at the first epoch the reported eigenvalues meet the rule, with the previous epoch’s genotype as the final answer', async () => {
    const earlyStop = { factor: 1, window: 1, delta: 1, startEpoch: 0 };
    const config = DartsConfig.parse({ algorithm: 'darts', epochs: 6, space: TINY_SPACE, reportEvery: 1, validBatches: 1, hessianEvery: 1, hessianIters: 2, archLearningRate: 0.05, earlyStop });
    const rec = recorder();
    const before0 = tf.memory().numTensors;
    const s = new DartsStrategy(
      { config, rng: new Rng(4), reporter: rec.reporter, resourcesDir: '' },
      { data: { train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 2, validation: validationSplit(5, 1).pass } },
    );
    let steps = 0;
    for (let done = false; !done; steps++) done = (await s.step()).done;
    const eigen = rec.values('hessian.eigenvalue').map((m) => m.value);
    // Independent of the code: window 1, delta 1, factor 1 means "the eigenvalue rose and was positive before".
    const expected = eigen.findIndex((v, i) => i > 0 && eigen[i - 1] > 0 && v > eigen[i - 1]) + 1;
    expect(eigen.length).toBeGreaterThan(1);
    // Seed 4 gives -0.267, -0.181, 0.647, 0.604, 0.608: the first positive rise is at epoch 5.
    expect(expected).toBeGreaterThan(0);
    expect(steps).toBe(2 * expected);
    expect(rec.values('search.early_stop').map((m) => m.value)).toEqual([expected]);
    const finals = rec.genotypes.filter((g) => g.final);
    const before = rec.genotypes.find((g) => g.epoch === expected - 1 && !g.final);
    expect(finals.map((g) => g.genotype)).toEqual([before!.genotype]);
    expect(s.genotype()).toEqual(before!.genotype);
    expect((await s.step()).done).toBe(true);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before0);
  });
});
