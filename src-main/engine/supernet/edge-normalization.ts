import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';

/**
 * PC-DARTS's edge normalization: one β per edge, and each intermediate node sums its incoming
 * edges weighted by the softmax of their β (node i has i + 2 inputs, in DARTS edge order). β starts
 * at 1e-3·N(0, 1), as the authors' `betas_normal`.
 */
export function initEdgeBeta(edges: number, rng: Rng): tf.Variable<tf.Rank.R1> {
  const values = new Float32Array(edges);
  for (let i = 0; i < edges; i++) values[i] = 1e-3 * rng.normal();
  return tf.tidy(() => tf.variable(tf.tensor1d(values), true));
}

/** The node-wise softmax of β, [edges, 1]: the factor of each edge's row of op weights. */
export function edgeNormalizationScale(beta: tf.Tensor1D, nodes: number): tf.Tensor2D {
  const parts: tf.Tensor1D[] = [];
  let start = 0;
  for (let node = 0; node < nodes; node++) {
    const inputs = node + 2;
    parts.push(tf.softmax(tf.slice(beta, [start], [inputs])) as tf.Tensor1D);
    start += inputs;
  }
  if (start !== beta.shape[0]) throw new Error(`edge normalization: β has ${beta.shape[0]} entries, a cell of ${nodes} nodes has ${start} edges`);
  return tf.reshape(tf.concat(parts), [start, 1]);
}

/** The same softmax on plain numbers, for genotype derivation and charts. */
export function edgeNormalizationValues(beta: readonly number[], nodes: number): number[] {
  const out: number[] = [];
  let start = 0;
  for (let node = 0; node < nodes; node++) {
    const row = beta.slice(start, start + node + 2);
    const max = Math.max(...row);
    const exps = row.map((b) => Math.exp(b - max));
    const sum = exps.reduce((s, e) => s + e, 0);
    out.push(...exps.map((e) => e / sum));
    start += node + 2;
  }
  return out;
}
