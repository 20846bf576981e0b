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

/** Inputs per intermediate node in edge order: DARTS's node i has i + 2 (two cell inputs and the earlier nodes). */
export function dartsNodeInputs(nodes: number): number[] {
  return Array.from({ length: nodes }, (_, node) => node + 2);
}

/** NAS-Bench-201's nodes 1, 2, 3 have 1, 2 and 3 incoming edges (`1<-0 | 2<-0 2<-1 | 3<-0 3<-1 3<-2`). */
export const NB201_NODE_INPUTS: readonly number[] = [1, 2, 3];

/**
 * The node-wise softmax of β, [edges, 1]: the factor of each edge's row of op weights. `nodes`: the
 * DARTS cell's intermediate nodes, or the inputs of each node in edge order (NB201_NODE_INPUTS).
 */
export function edgeNormalizationScale(beta: tf.Tensor1D, nodes: number | readonly number[]): tf.Tensor2D {
  const groups = typeof nodes === 'number' ? dartsNodeInputs(nodes) : nodes;
  const parts: tf.Tensor1D[] = [];
  let start = 0;
  for (const inputs of groups) {
    parts.push(tf.softmax(tf.slice(beta, [start], [inputs])) as tf.Tensor1D);
    start += inputs;
  }
  if (start !== beta.shape[0]) throw new Error(`edge normalization: β has ${beta.shape[0]} entries, a cell of ${groups.length} nodes has ${start} edges`);
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
