import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PvllConfig } from '../../../src-shared/model/algorithms/pvll';
import { Rng } from '../../../src-shared/model/rng';
import { PvllStrategy } from '../../../src-main/engine/search/sampled/pvll';
import { spearman } from '../../../src-main/engine/diagnostics/spearman';
import { Landscape, fittingLoss, importanceWeights } from '../../../src-main/engine/search/sampled/landscape';
import { PvllSearch, type PvllOptions } from '../../../src-main/engine/search/sampled/pvll-search';
import { argmaxRows } from '../../../src-main/engine/search/sampled/gumbel';
import { TINY_SPACE, recordingReporter, syntheticData, tensorCounts } from '../estimators/tiny-supernet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PVLL-NAS landscape', () => {
  it('weights each memory entry by 1/p_t (normalised to mean 1)', () => {
    const w = importanceWeights([Math.log(0.5), Math.log(0.25), Math.log(0.125)]);
    // 1/p = 2, 4, 8; times T / Σ(1/p) = 3/14.
    expect(w.map((v) => v * 14 / 3)).toEqual([2, 4, 8].map((v) => expect.closeTo(v, 12)));
    // Products over many edges underflow p but not the weights.
    expect(importanceWeights([-700, -701]).every(Number.isFinite)).toBe(true);
    const loss = tf.tidy(() => fittingLoss(tf.tensor1d([1, 2]), tf.tensor1d([0, 0]), tf.tensor1d([3, 1])).dataSync()[0]);
    expect(loss).toBeCloseTo((3 * 1 + 1 * 4) / 2, 6);
  });

  it('fitted on identical encodings, ψ converges to the 1/p-weighted mean of the losses (unweighted: the mean)', () => {
    const memory = [
      { encoding: [0.2, 0.8], loss: 1, logProb: Math.log(0.5) },
      { encoding: [0.2, 0.8], loss: 4, logProb: Math.log(0.1) },
    ];
    const weighted = new Landscape(2, 4, 0.05, new Rng(1));
    weighted.fit(memory, 400, true);
    expect(weighted.predict([[0.2, 0.8]])[0]).toBeCloseTo((1 * 2 + 4 * 10) / 12, 2);
    const plain = new Landscape(2, 4, 0.05, new Rng(1));
    plain.fit(memory, 400, false);
    expect(plain.predict([[0.2, 0.8]])[0]).toBeCloseTo(2.5, 2);
    weighted.dispose();
    plain.dispose();
  });

  it('Spearman matches hand-worked ranks', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks (0,1,2,3) vs (1,0,3,2): Σd² = 4, ρ = 1 − 6·4/(4·15) = 0.6
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 12);
  });
});

describe('PVLL-NAS search on a synthetic landscape (no training)', () => {
  // L(H) = Σ_e Σ_k c_ek H_ek: minimised by the one-hot of argmin_k c_ek on every edge.
  const costs = [
    [0.9, 0.1, 0.6, 0.8],
    [0.5, 0.7, 0.0, 0.9],
    [0.2, 0.9, 0.8, 0.7],
  ];
  const best = costs.map((row) => row.indexOf(Math.min(...row)));
  const options: PvllOptions = {
    warmupSize: 8,
    warmupBatches: 1,
    iterations: 60,
    batchesPerIteration: 1,
    temperature: 1,
    sampler: true,
    warmup: true,
    weightedLoss: true,
    hiddenUnits: 16,
    landscapeLearningRate: 0.02,
    landscapeFitSteps: 30,
    arch: { learningRate: 0.1, beta1: 0.5, beta2: 0.999, weightDecay: 0 },
  };

  function run(opts: PvllOptions) {
    const alpha = tf.variable(tf.zeros([3, 4]), true) as tf.Variable<tf.Rank.R2>;
    let trained = 0;
    const env = {
      trainBatch: () => ((trained += 1), { loss: 0, acc: 0 }),
      evaluate: (h: number[][][]) => h[0].reduce((s, row, e) => s + row.reduce((t, v, k) => t + v * costs[e][k], 0), 0),
    };
    const search = new PvllSearch([alpha], env, opts, new Rng(9));
    let units = 0;
    const predictions: number[] = [];
    for (const event of search.units()) {
      units++;
      if (event.kind === 'sample' && event.predicted !== null) predictions.push(event.predicted);
    }
    const result = { choice: argmaxRows(alpha.arraySync()), units, total: search.totalUnits, memory: search.memory.length, trained, predictions };
    search.dispose();
    alpha.dispose();
    return result;
  }

  it('reaches the known minimum, with the planned number of units and every sample in the memory', () => {
    const r = run(options);
    expect(r.choice).toEqual(best);
    expect(r.units).toBe(r.total);
    expect(r.memory).toBe(8 + 60);
    expect(r.trained).toBe(8 * 2 + 60);
    expect(r.predictions).toHaveLength(60);
  });

  it('reaches it too without warm-up, sampler or weighted loss (the Table 4 ablations)', () => {
    const r = run({ ...options, warmup: false, sampler: false, weightedLoss: false });
    expect(r.choice).toEqual(best);
    expect(r.memory).toBe(60);
  });
});

describe('PVLL-NAS strategy', () => {
  for (const variant of [{ unrolled: false, sampleForward: 'relaxed' }, { unrolled: true, sampleForward: 'discrete' }] as const) {
    it(`keeps the tensor count flat (${variant.unrolled ? 'second' : 'first'} order, ${variant.sampleForward} forward) and records the memory and ψ's fit`, async () => {
      const config = PvllConfig.parse({
        algorithm: 'pvll',
        space: TINY_SPACE,
        epochs: 4,
        batchSize: 4,
        validBatches: 1,
        warmupSize: 2,
        warmupBatches: 1,
        landscapeFitSteps: 5,
        hiddenUnits: 8,
        hessianIters: 2, // the Hessian is on by default (each epoch); cheap here
        ...variant,
      });
      const { reporter, recorded } = recordingReporter();
      const strategy = new PvllStrategy({ config, rng: new Rng(1), reporter, resourcesDir: '' }, syntheticData(3, 1));
      expect(strategy.totalSteps).toBe(2 * 3 + 1 + 4 * 4);
      const counts = await tensorCounts(strategy, strategy.totalSteps);
      // Adam's and SGD's state appear at their first steps (and, for discrete samples, when an op is
      // first reached); from the second search iteration on nothing may accumulate.
      expect(new Set(counts.slice(-6)).size).toBe(1);
      const keys = new Set(recorded.metrics.map((m) => m.key));
      for (const key of ['pvll.memory.size', 'pvll.measured', 'pvll.predicted', 'pvll.fit.loss', 'pvll.fit.spearman', 'alpha.entropy.normal', 'valid.loss']) expect(keys).toContain(key);
      expect(recorded.metrics.filter((m) => m.key === 'pvll.memory.size').at(-1)?.value).toBe(6);
      expect(recorded.genotypes.at(-1)?.final).toBe(true);
      expect((await strategy.step()).done).toBe(true);
      strategy.dispose();
    });
  }
});
