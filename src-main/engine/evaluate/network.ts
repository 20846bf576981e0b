import type * as tf from '@tensorflow/tfjs';
import type { StateReader, StateWriter } from '../checkpoint/state';
import type { ParamStore } from '../ops/params';
import type { NetworkMode } from './batch-norm';

/** The images a network is built for: NHWC [height, width, channels] and the number of classes. */
export interface ImageInput {
  height: number;
  width: number;
  channels: number;
  classes: number;
}

export interface EvalForwardOptions {
  /** Training mode: batch statistics (and running-statistics updates), drop-path, the auxiliary head. */
  training: boolean;
  /** Drop-path probability of this epoch (used in training mode only). */
  dropPathProb: number;
  /**
   * Drop-path factors drawn beforehand (`drawDropPathMasks`, data parallel: the main thread draws
   * the whole batch's and each replica multiplies by its half's); absent: drawn here from the
   * network's generator.
   */
  dropPathMasks?: DropPathMasks;
}

/** Per cell, per edge: the samples' drop-path factors (0 or 1/(1 − p)), null where the edge has none. */
export type DropPathMasks = (Float32Array | null)[][];

export interface EvalOutput {
  logits: tf.Tensor2D;
  /** The auxiliary head's logits: in training mode when the network has the head, else null. */
  auxLogits: tf.Tensor2D | null;
}

/**
 * A network that trains a fixed cell from scratch. `params` holds what papers count (auxiliary
 * head excluded), `auxParams` the auxiliary head's weights (trained, not counted), `buffers` the
 * batch norms' running statistics (neither trained nor counted), as PyTorch separates them.
 */
export interface EvaluationNetwork {
  readonly params: ParamStore;
  readonly auxParams: ParamStore;
  readonly buffers: ParamStore;
  readonly mode: NetworkMode;
  readonly numClasses: number;
  readonly input: ImageInput;
  /** Call inside tf.tidy or a gradient function. */
  forward(x: tf.Tensor4D, options: EvalForwardOptions): EvalOutput;
  /**
   * Draws the drop-path factors of a training batch of n samples, advancing the network's generator
   * exactly as a forward pass would; absent where the network has no drop-path (NAS-Bench-201's).
   */
  drawDropPathMasks?(n: number, dropPathProb: number): DropPathMasks;
  /** Every weight the optimizer updates: `params`, then the auxiliary head's. */
  trainableVariables(): tf.Variable[];
  /** Weights, auxiliary head, running statistics and the drop-path generator, for checkpoints. */
  saveState(out: StateWriter): void;
  loadState(from: StateReader): void;
  dispose(): void;
}
