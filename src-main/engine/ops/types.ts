import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { ParamStore } from './params';
import type { Stride } from './primitives';

/** A built operation: a pure function of its input that reads its weights from the store. */
export type Op = (x: tf.Tensor4D) => tf.Tensor4D;

/** What a factory needs to build an op: where to put its weights and how to name them. */
export interface OpContext {
  params: ParamStore;
  /** Dotted prefix for this op's weight names. */
  name: string;
  /** Learnable BN scale/shift. DARTS's search network has none (`affine=False`). */
  affine: boolean;
  /** Randomness drawn while the op runs (RobustDARTS's noise op). */
  rng: Rng;
  /**
   * Builds every batch norm of the op instead of the default (batch statistics only), given the
   * channels and the norm's full dotted name: the evaluation network's norms keep running statistics.
   */
  batchNorm?: (channels: number, name: string) => Op;
}

/** A factory like DARTS's `OPS['sep_conv_3x3'] = lambda C, stride, affine: ...`: C in = C out. */
export type OpFactory = (channels: number, stride: Stride, ctx: OpContext) => Op;

/**
 * An op of the form body(relu(x)) (DARTS's ReLUConvBN, DilConv, SepConv, FactorizedReduce): calling
 * it applies its own ReLU; `onRelu` is `body`, for a caller that has computed relu(x) already. A
 * mixed edge computes relu(x) once for all such candidates (one ReLU, one saved map and one ReLU
 * gradient instead of one per op); the value is the same.
 */
export interface ReluFirstOp extends Op {
  readonly onRelu: Op;
}

/** The op x ↦ body(relu(x)), with `body` exposed as `onRelu`. */
export function reluFirst(body: Op): ReluFirstOp {
  return Object.assign((x: tf.Tensor4D) => body(tf.relu(x)), { onRelu: body });
}

export function isReluFirst(op: Op): op is ReluFirstOp {
  return typeof (op as Partial<ReluFirstOp>).onRelu === 'function';
}
