import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../../src-shared/model/rng';

/**
 * Gumbel sampling over the rows of α (one row per edge, one column per op), in float64 on the CPU
 * side for the gradient estimators, and as tensors for the strategies' forward passes. Noise always
 * comes from a seeded Rng, so every draw of a run is reproducible.
 */
export type Rows = number[][];

/** softmax(row / tau). */
export function softmaxRow(row: readonly number[], tau = 1): number[] {
  const max = Math.max(...row);
  const exps = row.map((a) => Math.exp((a - max) / tau));
  const sum = exps.reduce((s, e) => s + e, 0);
  return exps.map((e) => e / sum);
}

export function softmaxRows(rows: readonly (readonly number[])[], tau = 1): Rows {
  return rows.map((r) => softmaxRow(r, tau));
}

/** Standard Gumbel noise of the shape of `like`. */
export function gumbelNoise(rng: Rng, like: readonly (readonly number[])[]): Rows {
  return like.map((row) => row.map(() => rng.gumbel()));
}

/** A Gumbel-softmax (concrete) sample softmax((α + G) / τ), row by row. */
export function gumbelSoftmax(alpha: readonly (readonly number[])[], noise: Rows, tau: number): Rows {
  return alpha.map((row, e) => softmaxRow(row.map((a, k) => a + noise[e][k]), tau));
}

/** Index of the largest entry of each row (the first on a tie): Gumbel-max when given α + G. */
export function argmaxRows(rows: readonly (readonly number[])[]): number[] {
  return rows.map((row) => row.reduce((best, v, k) => (v > row[best] ? k : best), 0));
}

export function oneHotRows(choice: readonly number[], width: number): Rows {
  return choice.map((c) => Array.from({ length: width }, (_, k) => (k === c ? 1 : 0)));
}

/** Vector-Jacobian product of w = softmax(z/τ) at w: ∂/∂z of g·w = (w ⊙ (g − w·g)) / τ. */
export function softmaxVjp(w: readonly number[], g: readonly number[], tau: number): number[] {
  const dot = w.reduce((s, wk, k) => s + wk * g[k], 0);
  return w.map((wk, k) => (wk * (g[k] - dot)) / tau);
}

/**
 * A Gumbel-perturbed logit vector z̃ ~ p(z | argmax z = b) for z = log θ + G (Maddison et al.'s
 * construction used by REBAR and RELAX): z̃_b = −log(−log v_b), z̃_i = −log(−log v_i/θ_i − log v_b).
 * Returns z̃ and dz̃_i/dθ_i (z̃_i depends on θ_i alone; 0 at b), which the α-gradient needs.
 */
export function conditionalGumbel(theta: readonly number[], b: number, rng: Rng): { z: number[]; dzdTheta: number[] } {
  const uniform = (): number => {
    let u = 0;
    while (u === 0) u = rng.next();
    return u;
  };
  const logVb = Math.log(uniform());
  const z: number[] = [];
  const dzdTheta: number[] = [];
  theta.forEach((t, i) => {
    if (i === b) {
      z.push(-Math.log(-logVb));
      dzdTheta.push(0);
      return;
    }
    const logV = Math.log(uniform());
    const inner = -logV / t - logVb;
    z.push(-Math.log(inner));
    // z̃_i = −log(a), a = −log v_i/θ_i − log v_b: dz̃_i/dθ_i = −(log v_i/θ_i²)/a > 0.
    dzdTheta.push(-logV / (t * t * inner));
  });
  return { z, dzdTheta };
}

/** VJP of z̃(α) (through θ = softmax(α)) given dz̃_i/dθ_i: Σ_i g_i d_i θ_i (δ_ik − θ_k). */
export function conditionalVjp(theta: readonly number[], dzdTheta: readonly number[], g: readonly number[]): number[] {
  const s = theta.reduce((acc, t, i) => acc + g[i] * dzdTheta[i] * t, 0);
  return theta.map((t, k) => g[k] * dzdTheta[k] * t - t * s);
}

/** JVP of z̃(α) along direction v: t_i = d_i θ_i (v_i − θ·v). */
export function conditionalJvp(theta: readonly number[], dzdTheta: readonly number[], v: readonly number[]): number[] {
  const dot = theta.reduce((acc, t, k) => acc + t * v[k], 0);
  return theta.map((t, i) => dzdTheta[i] * t * (v[i] - dot));
}

/** softmax((α + G)/τ) as a tensor, differentiable in α (G is a constant). */
export function gumbelSoftmaxTensor(alpha: tf.Tensor2D, noise: tf.Tensor2D, tau: number): tf.Tensor2D {
  return tf.softmax(tf.div(tf.add(alpha, noise), tau)) as tf.Tensor2D;
}

/**
 * GDAS's straight-through weights, hardwts = one_hot − stop_grad(soft) + soft: the value is the
 * one-hot (up to rounding), the gradient the soft sample's. `softValue` is soft computed outside
 * the gradient tape (tfjs has no stop_gradient; a tensor made before the tape is a constant to it).
 */
export function straightThrough(soft: tf.Tensor2D, softValue: tf.Tensor2D, choice: readonly number[]): tf.Tensor2D {
  const oneHot = tf.oneHot(tf.tensor1d([...choice], 'int32'), soft.shape[1], 1, 0, 'float32');
  return tf.add(tf.sub(oneHot, softValue), soft) as tf.Tensor2D;
}
