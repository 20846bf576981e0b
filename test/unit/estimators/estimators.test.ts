import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { createEstimator, estimatorVariance, type GradientEstimator } from '../../../src-main/engine/search/sampled/estimators';
import { exactPairGradient, pairProblem } from './problems';

const alpha = [
  [0.3, -0.5, 0.1],
  [-0.2, 0.4, 0.0],
];
const { objective, table } = pairProblem(3, 7);
const exact = exactPairGradient(alpha, table).flat();

/** Mean and standard error per coordinate of `n` estimates from one running estimator. */
function monteCarlo(est: GradientEstimator, n: number, tau: number, seed: number): { mean: number[]; stderr: number[] } {
  const rng = new Rng(seed);
  const sum = exact.map(() => 0);
  const sq = exact.map(() => 0);
  for (let i = 0; i < n; i++) {
    est.estimate(alpha, objective, rng, tau).grad.flat().forEach((v, j) => {
      sum[j] += v;
      sq[j] += v * v;
    });
  }
  const mean = sum.map((s) => s / n);
  const stderr = sq.map((s, j) => Math.sqrt((s / n - mean[j] ** 2) / n));
  return { mean, stderr };
}

const make = (name: 'gumbel' | 'sf' | 'relax' | 'ram') => createEstimator(name, { baselineDecay: 0.9, relaxLearningRate: 0.01 });

describe('gradient estimators of E[f(b)], b ~ Cat(softmax α) on two edges of 3 ops', () => {
  it('the exact gradient is a central difference of the closed-form expectation', () => {
    const expected = (a: number[][]) => {
      const s = a.map((row) => {
        const e = row.map(Math.exp);
        const z = e.reduce((x, y) => x + y, 0);
        return e.map((v) => v / z);
      });
      return s[0].reduce((acc, t1, i) => acc + s[1].reduce((b, t2, j) => b + t1 * t2 * table[i][j], 0), 0);
    };
    const h = 1e-5;
    alpha.flat().forEach((_, idx) => {
      const shifted = (d: number) => alpha.map((row, e) => row.map((v, k) => (e * 3 + k === idx ? v + d : v)));
      expect(exact[idx]).toBeCloseTo((expected(shifted(h)) - expected(shifted(-h))) / (2 * h), 8);
    });
  });

  // Unbiased estimators: every coordinate of the mean of 20,000 draws within 4.5 standard errors.
  for (const name of ['sf', 'relax', 'ram'] as const) {
    it(`${name} is unbiased: the mean of 20,000 draws matches the exact gradient`, () => {
      const { mean, stderr } = monteCarlo(make(name), 20_000, 1, 11);
      mean.forEach((m, j) => expect(Math.abs(m - exact[j])).toBeLessThan(4.5 * stderr[j] + 1e-9));
    });
  }

  it('Gumbel-softmax is biased at τ = 1 and close to the exact gradient at τ = 0.1', () => {
    const maxError = (tau: number) => {
      const { mean } = monteCarlo(make('gumbel'), 20_000, tau, 12);
      return Math.max(...mean.map((m, j) => Math.abs(m - exact[j])));
    };
    const hot = maxError(1);
    const cold = maxError(0.1);
    // Largest exact coordinate is ~0.2; at τ = 1 the bias is a third of it.
    expect(hot).toBeGreaterThan(0.03);
    expect(cold).toBeLessThan(0.02);
    expect(cold).toBeLessThan(hot / 3);
  });

  it('RAM has lower variance than SF, and RELAX (after adapting its control variate) too', () => {
    const variance = (est: GradientEstimator, seed: number) => estimatorVariance(est, alpha, objective, new Rng(seed), 1, 4000);
    const sf = make('sf');
    const relax = make('relax');
    const warm = new Rng(5);
    for (let i = 0; i < 2000; i++) {
      sf.estimate(alpha, objective, warm, 1);
      relax.estimate(alpha, objective, warm, 1);
    }
    const vSf = variance(sf, 21);
    expect(variance(make('ram'), 22)).toBeLessThan(0.5 * vSf);
    expect(variance(relax, 23)).toBeLessThan(vSf);
  });

  it('measuring variance leaves the estimator untouched and refuses fewer than two draws', () => {
    const sf = make('sf');
    sf.estimate(alpha, objective, new Rng(1), 1);
    const before = sf.clone().estimate(alpha, objective, new Rng(2), 1).grad;
    estimatorVariance(sf, alpha, objective, new Rng(3), 1, 10);
    expect(sf.clone().estimate(alpha, objective, new Rng(2), 1).grad).toEqual(before);
    expect(() => estimatorVariance(sf, alpha, objective, new Rng(3), 1, 1)).toThrow(/at least 2 draws/);
  });
});
