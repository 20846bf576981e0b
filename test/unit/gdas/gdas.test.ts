import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GdasConfig } from '../../../src-shared/model/algorithms/gdas';
import { Rng } from '../../../src-shared/model/rng';
import { GdasStrategy, gdasTau } from '../../../src-main/engine/search/sampled/gdas';
import { argmaxRows, gumbelNoise, gumbelSoftmaxTensor, softmaxRow, softmaxVjp, straightThrough } from '../../../src-main/engine/search/sampled/gumbel';
import { TINY_SPACE, recordingReporter, syntheticData, tensorCounts } from '../estimators/tiny-supernet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Gumbel-max sampling', () => {
  it('draws op k with probability softmax(α)_k (chi-square, 20,000 draws, 4 degrees of freedom)', () => {
    const alpha = [0.8, -0.3, 0.1, 1.5, -1.0];
    const p = softmaxRow(alpha);
    const rng = new Rng(42);
    const n = 20_000;
    const counts = alpha.map(() => 0);
    for (let i = 0; i < n; i++) counts[argmaxRows([alpha.map((a) => a + rng.gumbel())])[0]]++;
    const chi2 = counts.reduce((s, c, k) => s + (c - n * p[k]) ** 2 / (n * p[k]), 0);
    // 18.47 is the 0.999 quantile of chi-square with 4 degrees of freedom.
    expect(chi2).toBeLessThan(18.47);
  });
});

describe('straight-through weights', () => {
  it('are one-hot in value and carry the soft sample gradient back to α', () => {
    const alphaValues = [[0.2, -0.4, 0.7], [0.0, 0.3, -0.1]];
    const noiseValues = gumbelNoise(new Rng(3), alphaValues);
    const tau = 0.7;
    const c = [1.5, -2.0, 0.5];
    const alpha = tf.tensor2d(alphaValues);
    const noise = tf.tensor2d(noiseValues);
    const softValue = gumbelSoftmaxTensor(alpha, noise, tau);
    const choice = argmaxRows(alphaValues.map((row, e) => row.map((a, k) => a + noiseValues[e][k])));
    // L(w) = Σ_e Σ_k c_k w_ek²: nonlinear, so the gradient at the one-hot differs from the one at soft.
    const loss = (w: tf.Tensor2D) => tf.sum(tf.mul(tf.square(w), tf.tensor1d(c)));
    const hard = straightThrough(gumbelSoftmaxTensor(alpha, noise, tau), softValue, choice);
    expect(Array.from(hard.dataSync()).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(choice.flatMap((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0))));
    const grad = tf.grad((a: tf.Tensor) => loss(straightThrough(gumbelSoftmaxTensor(a as tf.Tensor2D, noise, tau), softValue, choice)))(alpha);
    const soft = softValue.arraySync();
    // Independent: ∂L/∂w at w = one-hot is 2·c_k·[k = b_e]; back through softmax((α+G)/τ) by its Jacobian.
    const expected = soft.map((w, e) => softmaxVjp(w, c.map((ck, k) => (k === choice[e] ? 2 * ck : 0)), tau));
    const got = grad.arraySync() as number[][];
    expected.flat().forEach((v, i) => expect(got.flat()[i]).toBeCloseTo(v, 5));
    tf.dispose([alpha, noise, softValue, hard, grad]);
  });
});

describe('GDAS strategy', () => {
  it('anneals τ linearly from 10 to 0.1 over the epochs', () => {
    expect(gdasTau(0, 5, 10, 0.1)).toBe(10);
    expect(gdasTau(4, 5, 10, 0.1)).toBeCloseTo(0.1, 12);
    expect(gdasTau(2, 5, 10, 0.1)).toBeCloseTo(5.05, 12);
  });

  it('refuses a second-order setting', () => {
    expect(() => GdasConfig.parse({ algorithm: 'gdas', unrolled: true })).toThrow(/no second-order/);
  });

  it('keeps the tensor count flat across steps and reports the shared diagnostics each epoch', async () => {
    const config = GdasConfig.parse({ algorithm: 'gdas', space: TINY_SPACE, epochs: 10, batchSize: 4, validBatches: 1, hessianEvery: 5, hessianIters: 2 });
    const { reporter, recorded } = recordingReporter();
    const strategy = new GdasStrategy({ config, rng: new Rng(1), reporter, resourcesDir: '' }, syntheticData(2, 2));
    const alphaBefore = strategy.net.arch[0].alpha.arraySync();
    const counts = await tensorCounts(strategy, 20);
    // Momentum buffers appear the first time a sampled op is reached (all by step 8 at this seed);
    // after that, nothing may accumulate.
    expect(new Set(counts.slice(10)).size).toBe(1);
    expect(strategy.net.arch[0].alpha.arraySync()).not.toEqual(alphaBefore);
    const keys = new Set(recorded.metrics.map((m) => m.key));
    for (const key of ['train.loss', 'search.valid.loss', 'tau', 'valid.loss', 'valid.acc', 'alpha.entropy.normal', 'alpha.entropy.reduce', 'hessian.eigenvalue']) expect(keys).toContain(key);
    expect(recorded.metrics.filter((m) => m.key === 'hessian.eigenvalue')).toHaveLength(2);
    expect(recorded.artifacts.filter((a) => a.kind === 'alphas')).toHaveLength(10);
    expect(recorded.genotypes.map((g) => g.final)).toEqual([...Array(9).fill(false), true]);
    const taus = recorded.metrics.filter((m) => m.key === 'tau').map((m) => m.value);
    expect(taus[0]).toBe(10);
    expect(taus[19]).toBeCloseTo(0.1, 12);
    expect((await strategy.step()).done).toBe(true);
    strategy.dispose();
  });
});
