import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dominantHessianEigenvalue, hessianVectorProduct } from '../../../src-main/engine/diagnostics/hessian';
import { Rng } from '../../../src-shared/model/rng';
import { type Matrix, symmetricEigenvalues } from './linalg';
import { logisticRegression, softmaxQuadratic } from './models';

const matVec = (h: Matrix, v: Float32Array): number[] => h.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
const maxAbs = (xs: ArrayLike<number>): number => Array.from(xs).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('Hessian-vector products by central differences (cpu backend, float32)', () => {
  let savedBackend: string;
  beforeAll(async () => {
    savedBackend = tf.getBackend();
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    if (savedBackend) await tf.setBackend(savedBackend);
  });

  it('matches the closed-form Hessian of a softmax-weighted quadratic over two alpha variables to 5e-4 of ‖Hv‖∞ (measured ≤ 1.2e-4)', () => {
    const model = softmaxQuadratic(new Rng(11));
    const alphas = model.init.map((a) => tf.variable(tf.tensor2d(a)));
    const h = model.hessian();
    const rng = new Rng(12);
    for (let trial = 0; trial < 3; trial++) {
      const v = Float32Array.from({ length: h.length }, () => rng.normal());
      const got = hessianVectorProduct(model.lossFn, alphas, v);
      const want = matVec(h, v);
      const err = maxAbs(want.map((w, i) => w - got[i]));
      expect(err).toBeLessThan(5e-4 * maxAbs(want));
    }
    // The variables are back at their exact starting values.
    expect(alphas[0].arraySync()).toEqual(tf.tensor2d(model.init[0]).arraySync());
    expect(alphas[1].arraySync()).toEqual(tf.tensor2d(model.init[1]).arraySync());
    tf.dispose(alphas);
  });

  it('matches the closed-form Hessian of logistic regression to 2e-4 of ‖Hv‖∞ (measured ≤ 2e-5)', () => {
    const model = logisticRegression(new Rng(21));
    const w = tf.variable(tf.tensor1d(model.w0));
    const h = model.hessian();
    const v = Float32Array.from({ length: 6 }, (_, i) => Math.cos(i));
    const got = hessianVectorProduct(model.lossFn, [w], v);
    const want = matVec(h, v);
    expect(maxAbs(want.map((x, i) => x - got[i]))).toBeLessThan(2e-4 * maxAbs(want));
    w.dispose();
  });

  it('rejects a vector of the wrong length and returns zeros for v = 0', () => {
    const model = logisticRegression(new Rng(22));
    const w = tf.variable(tf.tensor1d(model.w0));
    expect(() => hessianVectorProduct(model.lossFn, [w], new Float32Array(5))).toThrow(/has 5 entries but the alphas have 6/);
    expect(Array.from(hessianVectorProduct(model.lossFn, [w], new Float32Array(6)))).toEqual([0, 0, 0, 0, 0, 0]);
    w.dispose();
  });

  it('finds the dominant eigenvalue (with sign) of both Hessians, as Jacobi does on the closed form, to 2e-4 (measured ≤ 3e-5), leaking no tensors', () => {
    const quad = softmaxQuadratic(new Rng(31));
    const alphas = quad.init.map((a) => tf.variable(tf.tensor2d(a)));
    const eigs = symmetricEigenvalues(quad.hessian());
    const dominant = eigs.reduce((best, l) => (Math.abs(l) > Math.abs(best) ? l : best), 0);
    const before = tf.memory().numTensors;
    const r = dominantHessianEigenvalue(quad.lossFn, alphas, { iters: 200, tol: 1e-4, rng: new Rng(32) });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - dominant)).toBeLessThan(2e-4 * Math.abs(dominant));
    tf.dispose(alphas);

    const logit = logisticRegression(new Rng(41));
    const w = tf.variable(tf.tensor1d(logit.w0));
    const top = Math.max(...symmetricEigenvalues(logit.hessian()));
    const wd = 1e-3;
    const r2 = dominantHessianEigenvalue(logit.lossFn, [w], { iters: 200, tol: 1e-4, rng: new Rng(42), archWeightDecay: wd });
    expect(Math.abs(r2.eigenvalue - (top + wd))).toBeLessThan(2e-4 * top);
    w.dispose();
  });

  it("with which: 'largest', finds the largest eigenvalue under a negative dominant one, as RobustDARTS's max(eigvals)", () => {
    // Seed 1: spectrum −1.001, 0.909, −0.765, ... (Jacobi).
    const quad = softmaxQuadratic(new Rng(1));
    const eigs = symmetricEigenvalues(quad.hessian());
    const dominant = eigs.reduce((best, l) => (Math.abs(l) > Math.abs(best) ? l : best), 0);
    expect(dominant).toBeLessThan(0);
    const alphas = quad.init.map((a) => tf.variable(tf.tensor2d(a)));
    const before = tf.memory().numTensors;
    const r = dominantHessianEigenvalue(quad.lossFn, alphas, { iters: 400, tol: 1e-4, rng: new Rng(2), which: 'largest' });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.eigenvalue - Math.max(...eigs))).toBeLessThan(5e-4 * Math.abs(dominant));
    tf.dispose(alphas);
  });
});
