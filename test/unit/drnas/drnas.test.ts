import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DrnasConfig } from '../../../src-shared/model/algorithms/drnas';
import { Rng } from '../../../src-shared/model/rng';
import {
  concentration,
  digamma,
  dirichletKl,
  dirichletKlGrad,
  dirichletSample,
  dirichletVjp,
  gammaSample,
  lnGamma,
  regularizedGammaP,
  trigamma,
} from '../../../src-main/engine/search/oneshot/dirichlet';
import { DrnasStrategy } from '../../../src-main/engine/search/oneshot/drnas';
import { TINY_SPACE, recordingReporter, syntheticData } from '../estimators/tiny-supernet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('special functions against known values', () => {
  it('ln Γ, ψ, ψ′ and the incomplete gamma P', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 10); // −γ (asymptotic series from 10 on)
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.log(2), 10);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 10);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 10);
    // P(1, x) = 1 − e^−x; P(2, x) = 1 − (1 + x)e^−x; both branches (series below a + 1, fraction above).
    for (const x of [0.3, 1.7, 4, 9]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 13);
      expect(regularizedGammaP(2, x)).toBeCloseTo(1 - (1 + x) * Math.exp(-x), 13);
    }
  });
});

describe('Dirichlet sampling and its pathwise gradient', () => {
  it('Gamma draws have mean a and variance a (20,000 draws, within 4 standard errors)', () => {
    const rng = new Rng(3);
    for (const a of [0.4, 2.5]) {
      const n = 20_000;
      const xs = Array.from({ length: n }, () => gammaSample(a, rng));
      const mean = xs.reduce((s, x) => s + x, 0) / n;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - a)).toBeLessThan(4 * Math.sqrt(a / n));
      expect(Math.abs(variance - a) / a).toBeLessThan(0.08);
    }
  });

  it('the pathwise gradient of E[f(w)], w ~ Dir(elu(β) + 1), matches finite differences of the closed-form expectation', () => {
    // f(w) = c·w + (d·w)²: E[w_k] = a_k/a0, E[w_j w_k] = a_j(a_k + [j = k])/(a0(a0 + 1)).
    const c = [0.7, -1.2, 0.4];
    const d = [1.5, 0.2, -0.8];
    const expectation = (beta: number[]): number => {
      const a = beta.map((b) => (b > 0 ? b + 1 : Math.exp(b)));
      const a0 = a.reduce((s, v) => s + v, 0);
      let e = a.reduce((s, ak, k) => s + (c[k] * ak) / a0, 0);
      for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) e += (d[j] * d[k] * a[j] * (a[k] + (j === k ? 1 : 0))) / (a0 * (a0 + 1));
      return e;
    };
    const beta = [0.3, -0.6, 1.1];
    const h = 1e-6;
    const fd = beta.map((_, j) => {
      const up = beta.map((b, k) => (k === j ? b + h : b));
      const down = beta.map((b, k) => (k === j ? b - h : b));
      return (expectation(up) - expectation(down)) / (2 * h);
    });
    const rng = new Rng(17);
    const n = 40_000;
    const a = beta.map((b) => concentration(b).value);
    const slope = beta.map((b) => concentration(b).slope);
    const samples = Array.from({ length: n }, () => {
      const draw = dirichletSample(a, rng);
      const dw = draw.w.reduce((s, w, k) => s + d[k] * w, 0);
      const gradW = c.map((ck, k) => ck + 2 * dw * d[k]);
      return dirichletVjp(draw, a, gradW).map((g, k) => g * slope[k]);
    });
    fd.forEach((expected, j) => {
      const values = samples.map((s) => s[j]);
      const mean = values.reduce((s, v) => s + v, 0) / n;
      const se = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) / n);
      expect(Math.abs(mean - expected), `β_${j}: pathwise ${mean} vs finite differences ${expected} (se ${se})`).toBeLessThan(4 * se);
    });
  });

  it('KL(Beta(2, 1) ‖ Beta(1, 1)) = ln 2 − 1/2 by hand; KL to itself is 0; its gradient matches finite differences', () => {
    expect(dirichletKl([2, 1], [1, 1])).toBeCloseTo(Math.log(2) - 0.5, 10);
    expect(dirichletKl([0.7, 2.2, 1.3], [0.7, 2.2, 1.3])).toBeCloseTo(0, 12);
    const a = [0.7, 2.2, 1.3];
    const b = [0.5, 0.5, 0.5];
    const g = dirichletKlGrad(a, b);
    const h = 1e-6;
    a.forEach((_, j) => {
      const up = a.map((v, k) => (k === j ? v + h : v));
      const down = a.map((v, k) => (k === j ? v - h : v));
      expect(g[j]).toBeCloseTo((dirichletKl(up, b) - dirichletKl(down, b)) / (2 * h), 6);
    });
  });
});

describe('DrNAS strategy', () => {
  it('tensor count flat across steps, β moves, KL and search loss reported, done after epochs·stepsPerEpoch', async () => {
    // hessianEvery 0: the Hessian's fixed batch (kept from its first measurement) would add 2 tensors; epoch-report.test.ts covers it.
    const config = DrnasConfig.parse({ algorithm: 'drnas', space: TINY_SPACE, epochs: 2, batchSize: 4, validBatches: 1, reportEvery: 1, archLearningRate: 0.01, hessianEvery: 0 });
    const { reporter, recorded } = recordingReporter();
    const s = new DrnasStrategy({ config, rng: new Rng(1), reporter, resourcesDir: '' }, syntheticData(2, 2));
    const before = s.alphas().cells[0].alpha.flat();
    await s.step();
    const start = tf.memory().numTensors;
    let done = false;
    for (let i = 0; i < 3; i++) done = (await s.step()).done;
    expect(tf.memory().numTensors).toBe(start);
    expect(done).toBe(true);
    expect(s.alphas().cells[0].alpha.flat().some((v, i) => Math.abs(v - before[i]) > 1e-4)).toBe(true);
    const keys = new Set(recorded.metrics.map((m) => m.key));
    for (const key of ['search.valid.loss', 'drnas.kl', 'valid.loss', 'alpha.entropy.normal']) expect(keys).toContain(key);
    expect(recorded.metrics.filter((m) => m.key === 'drnas.kl').every((m) => m.value >= 0)).toBe(true);
    s.dispose();
  });

  it('refuses a second-order setting', () => {
    expect(() => DrnasConfig.parse({ algorithm: 'drnas', unrolled: true })).toThrow(/no second-order/);
  });
});
