import type * as tf from '@tensorflow/tfjs';
import type { SearchSpace } from '../../../src-shared/model/space';
import type { Rng } from '../../../src-shared/model/rng';
import type { ParamStore } from '../ops/params';

/** DARTS has a normal and a reduction cell type; NAS-Bench-201 has one cell type, `normal`. */
export type CellKind = 'normal' | 'reduce';

/**
 * The per-edge mixing weights a relaxation hands to the network for one cell type.
 * `weights` is [edges, ops]: softmax(α) for DARTS, a Gumbel-softmax sample for SNAS, a
 * straight-through one-hot for GDAS. With `activeOp` (per edge, one op index or a set of them) only
 * those ops are computed: the edge gives Σ_{k∈S} w[k]·op_k(x) + Σ_{j∉S} w[j], GDAS's formulation
 * for one op, whose extra terms are 0 in value (one-hot forward) but pass the gradient to every
 * weight of the edge; ProxylessNAS's α step runs two ops per edge (∂L/∂w[k] exact for k ∈ S).
 */
export interface EdgeWeights {
  weights: tf.Tensor2D;
  activeOp?: readonly ActivePaths[];
}

/** The ops an edge computes: one op index (GDAS, NASP, a fixed cell) or several (ProxylessNAS's two). */
export type ActivePaths = number | readonly number[];

export type CellWeights = Partial<Record<CellKind, EdgeWeights>>;

/** One cell type's architecture parameters α [edges, ops] and the op names of each edge's row. */
export interface ArchParam {
  kind: CellKind;
  alpha: tf.Variable<tf.Rank.R2>;
  /** PC-DARTS's edge normalization β [edges], when the network has it (supernet/edge-normalization.ts). */
  beta?: tf.Variable<tf.Rank.R1>;
  edgeOps: readonly (readonly string[])[];
}

/**
 * A weight-sharing network over a search space. The weights (`params`) and the architecture
 * parameters (`arch`) are kept apart, so each has its own optimizer; `forward` is a pure function
 * of its input and the edge weights passed in, reading the current values of both stores.
 */
export interface Supernet {
  readonly space: SearchSpace;
  readonly params: ParamStore;
  readonly arch: readonly ArchParam[];
  readonly numClasses: number;
  /** Draws of the `noise` op (RobustDARTS S4), one per forward: part of the network's resumable state. */
  readonly noise: Rng;
  /** Logits [batch, classes]. Call inside tf.tidy (or a gradient function). */
  forward(x: tf.Tensor4D, weights: CellWeights): tf.Tensor2D;
  dispose(): void;
}
