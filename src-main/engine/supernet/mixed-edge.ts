import * as tf from '@tensorflow/tfjs';
import { isReluFirst, type Op } from '../ops/types';
import type { Stride } from '../ops/primitives';
import { NAS_WEIGHTED_SUM, type NasWeightedSumAttrs } from '../backend/kernels/NasWeightedSum';
import type { ActivePaths } from './types';

/** A built candidate op on an edge; `zero` marks DARTS's `none`, whose output is known to be 0. */
export interface EdgeCandidate {
  op: Op;
  zero: boolean;
}

/**
 * DARTS's MixedOp, Σ_k w_k·op_k(x), with `row` the edge's [1, ops] row of weights. A `none` term
 * is w·0 and is skipped (its α still gets its gradient through the softmax of the other terms).
 * relu(x) is computed once for every candidate that starts with a ReLU (ReluFirstOp). With
 * `active`, only that op (or those ops) run; the others' weights enter as constants (see EdgeWeights).
 */
export function mixedEdge(candidates: readonly EdgeCandidate[], stride: Stride, x: tf.Tensor4D, row: tf.Tensor2D, active?: ActivePaths): tf.Tensor4D {
  const runs = (k: number) => active === undefined || (typeof active === 'number' ? k === active : active.includes(k));
  let activated: tf.Tensor4D | null = null;
  const run = (op: Op): tf.Tensor4D => {
    if (!isReluFirst(op)) return op(x);
    activated ??= tf.relu(x);
    return op.onRelu(activated);
  };
  const maps: tf.Tensor4D[] = [];
  const attrs: NasWeightedSumAttrs = { terms: [], constants: [] };
  candidates.forEach((c, k) => {
    if (!runs(k)) attrs.constants.push(k);
    else if (!c.zero) {
      maps.push(run(c.op));
      attrs.terms.push(k);
    }
  });
  const [n, h, wd, ch] = x.shape;
  const outShape: [number, number, number, number] = [n, Math.ceil(h / stride), Math.ceil(wd / stride), ch];
  return weightedSum(maps, row, attrs, outShape);
}

/**
 * Σ_i row[terms[i]]·maps[i] + Σ_j row[constants[j]]: one NasWeightedSum kernel call where the
 * backend has it (wasm), else the composition of scalar slices, Muls and AddN (cpu, tfjs-node).
 */
function weightedSum(maps: tf.Tensor4D[], row: tf.Tensor2D, attrs: NasWeightedSumAttrs, outShape: [number, number, number, number]): tf.Tensor4D {
  if (maps.length > 0 && tf.getKernel(NAS_WEIGHTED_SUM, tf.getBackend()) !== undefined) {
    return tf.engine().runKernel(NAS_WEIGHTED_SUM, [...maps, row] as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  const weight = (k: number) => tf.reshape(tf.slice(row, [0, k], [1, 1]), []);
  const products = maps.map((m, i) => tf.mul(m, weight(attrs.terms[i])));
  let out: tf.Tensor = products.length ? (products.length === 1 ? products[0] : tf.addN(products)) : tf.zeros(outShape);
  if (attrs.constants.length) out = tf.add(out, tf.addN(attrs.constants.map(weight)));
  return out as tf.Tensor4D;
}

/**
 * The rows of an [edges, ops] weight matrix, [1, ops] each, sliced once per forward and shared by
 * every cell. Sliced one by one, not split: tfjs's SplitV gradient fails when an output goes unused
 * (the row of an edge whose candidates are all `none`).
 */
export function edgeRows(weights: tf.Tensor2D, edges: number, ops: number): tf.Tensor2D[] {
  checkEdgeWeights(weights, edges, ops);
  return Array.from({ length: edges }, (_, e) => edgeRow(weights, e));
}

/** Row `e` of an [edges, ops] weight matrix as [1, ops]. */
export function edgeRow(weights: tf.Tensor2D, e: number): tf.Tensor2D {
  return tf.slice(weights, [e, 0], [1, weights.shape[1]]);
}

/** Throws unless the weight matrix is [edges, ops]. */
export function checkEdgeWeights(weights: tf.Tensor2D, edges: number, ops: number): void {
  if (weights.shape[0] !== edges || weights.shape[1] !== ops) {
    throw new Error(`edge weights have shape [${weights.shape.join(', ')}], the cell needs [${edges}, ${ops}]`);
  }
}
