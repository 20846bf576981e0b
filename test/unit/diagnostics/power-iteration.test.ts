import { describe, expect, it } from 'vitest';
import { largestEigenvalue, powerIteration } from '../../../src-main/engine/diagnostics/power-iteration';
import { Rng } from '../../../src-shared/model/rng';
import { matVec, randomOrthogonal, withSpectrum } from './linalg';

const DIM = 30;
const spectrum = (first: number[]): number[] => [...first, ...Array.from({ length: DIM - first.length }, (_, i) => 2 * Math.cos(i))];

describe('powerIteration on Q diag(λ) Qᵀ with a seeded random orthogonal Q', () => {
  const q = randomOrthogonal(DIM, new Rng(7));

  it('finds a positive dominant eigenvalue and its eigenvector to 1e-5 relative', () => {
    const a = withSpectrum(q, spectrum([12, -8, 5]));
    const r = powerIteration((v) => matVec(a, v), DIM, { iters: 300, tol: 1e-6, rng: new Rng(1) });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - 12) / 12).toBeLessThan(1e-5);
    const cos = r.vector.reduce((s, x, i) => s + x * q[i][0], 0);
    expect(Math.abs(Math.abs(cos) - 1)).toBeLessThan(1e-5);
  });

  it('reports the sign when the largest magnitude is negative', () => {
    const a = withSpectrum(q, spectrum([-9, 6, 5]));
    const r = powerIteration((v) => matVec(a, v), DIM, { iters: 300, tol: 1e-6, rng: new Rng(2) });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue + 9) / 9).toBeLessThan(1e-5);
  });

  it('finds the largest (algebraic) eigenvalue under a negative dominant one by a shifted second run', () => {
    const a = withSpectrum(q, spectrum([-9, 6, 5]));
    const r = largestEigenvalue((v) => matVec(a, v), DIM, { iters: 400, tol: 1e-6, rng: new Rng(6) });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - 6) / 6).toBeLessThan(1e-5);
    const b = withSpectrum(q, spectrum([12, -8, 5]));
    expect(largestEigenvalue((v) => matVec(b, v), DIM, { iters: 300, tol: 1e-6, rng: new Rng(6) }).eigenvalue).toBeCloseTo(12, 4);
  });

  it('says it did not converge when ±λ share the largest magnitude', () => {
    const a = withSpectrum(q, spectrum([5, -5, 1]));
    const r = powerIteration((v) => matVec(a, v), DIM, { iters: 200, tol: 1e-4, rng: new Rng(3) });
    expect(r.converged).toBe(false);
    expect(r.residual).toBeGreaterThan(0.1);
  });

  it('stops at the iteration budget with the estimate so far', () => {
    const a = withSpectrum(q, spectrum([10, 9.9]));
    const r = powerIteration((v) => matVec(a, v), DIM, { iters: 5, tol: 1e-8, rng: new Rng(4) });
    expect(r.iterations).toBe(5);
    expect(r.converged).toBe(false);
    expect(Math.abs(r.eigenvalue)).toBeLessThanOrEqual(10 + 1e-4);
  });

  it('rejects an operator of the wrong size', () => {
    expect(() => powerIteration(() => new Float32Array(3), DIM, { rng: new Rng(5) })).toThrow(/returned 3 values for a vector of 30/);
  });
});
