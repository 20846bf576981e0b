import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { ArchParam, CellKind, CellWeights, Supernet } from './types';

/** α for one cell type, initialised to 1e-3·N(0, 1) as in DARTS (`model_search.py`). */
export function initArchParam(kind: CellKind, edgeOps: readonly (readonly string[])[], rng: Rng): ArchParam {
  const rows = edgeOps.length;
  const cols = edgeOps[0].length;
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = 1e-3 * rng.normal();
  const alpha = tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols]), true));
  return { kind, alpha, edgeOps };
}

/** DARTS's continuous relaxation: softmax over each edge's row of α. */
export function softmaxWeights(arch: readonly ArchParam[], alphas?: readonly tf.Tensor2D[]): CellWeights {
  const weights: CellWeights = {};
  arch.forEach((a, i) => {
    weights[a.kind] = { weights: tf.softmax(alphas ? alphas[i] : a.alpha) as tf.Tensor2D };
  });
  return weights;
}

/** A plain copy of the current α values per cell type (for snapshots, genotype derivation, charts). */
export function alphaValues(net: Supernet): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const a of net.arch) out[a.kind] = a.alpha.arraySync();
  return out;
}

/** Every architecture variable: each cell type's α, then PC-DARTS's β where the network has them. */
export function archVariables(net: Supernet): tf.Variable[] {
  return [...net.arch.map((a) => a.alpha), ...net.arch.flatMap((a) => (a.beta ? [a.beta] : []))];
}
