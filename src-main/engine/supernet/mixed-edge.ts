import * as tf from '@tensorflow/tfjs';
import type { Op } from '../ops/types';
import type { Stride } from '../ops/primitives';

/** A built candidate op on an edge; `zero` marks DARTS's `none`, whose output is known to be 0. */
export interface EdgeCandidate {
  op: Op;
  zero: boolean;
}

/**
 * DARTS's MixedOp, Σ_k w_k·op_k(x), with `w` one edge's row of weights as scalars. A `none` term
 * is w·0 and is skipped (its α still gets its gradient through the softmax of the other terms).
 * With `active`, only that op runs (see EdgeWeights).
 */
export function mixedEdge(
  candidates: readonly EdgeCandidate[],
  stride: Stride,
  x: tf.Tensor4D,
  w: readonly tf.Scalar[],
  active?: number,
): tf.Tensor4D {
  const terms: tf.Tensor[] = [];
  candidates.forEach((c, k) => {
    if (active !== undefined && k !== active) terms.push(w[k]);
    else if (!c.zero) terms.push(tf.mul(c.op(x), w[k]));
  });
  const [n, h, wd, ch] = x.shape;
  const outShape: [number, number, number, number] = [n, Math.ceil(h / stride), Math.ceil(wd / stride), ch];
  if (terms.length === 0) return tf.zeros(outShape);
  const maps = terms.filter((t) => t.rank === 4);
  const scalars = terms.filter((t) => t.rank === 0);
  let out: tf.Tensor = maps.length ? (maps.length === 1 ? maps[0] : tf.addN(maps)) : tf.zeros(outShape);
  if (scalars.length) out = tf.add(out, tf.addN(scalars));
  return out as tf.Tensor4D;
}

/**
 * Entries of an [edges, ops] weight matrix as scalars, split once per forward and shared by every
 * cell. Sliced one by one, not unstacked: tfjs's Unpack gradient fails when some outputs go unused
 * (a skipped `none`, or the ops GDAS leaves out).
 */
export function edgeScalars(weights: tf.Tensor2D, edges: number, ops: number): tf.Scalar[][] {
  checkEdgeWeights(weights, edges, ops);
  return Array.from({ length: edges }, (_, e) => edgeRowScalars(weights, e));
}

/** Row `e` of an [edges, ops] weight matrix as scalars. */
export function edgeRowScalars(weights: tf.Tensor2D, e: number): tf.Scalar[] {
  return Array.from({ length: weights.shape[1] }, (_, k) => tf.reshape(tf.slice(weights, [e, k], [1, 1]), []) as tf.Scalar);
}

/** Throws unless the weight matrix is [edges, ops]. */
export function checkEdgeWeights(weights: tf.Tensor2D, edges: number, ops: number): void {
  if (weights.shape[0] !== edges || weights.shape[1] !== ops) {
    throw new Error(`edge weights have shape [${weights.shape.join(', ')}], the cell needs [${edges}, ${ops}]`);
  }
}
