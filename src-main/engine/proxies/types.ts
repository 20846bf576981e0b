import type * as tf from '@tensorflow/tfjs';
import type { EvaluationNetwork } from '../evaluate/network';

/** What a proxy needs of a network: its input, its forward pass and its weights (an EvaluationNetwork is one). */
export type ProxyNetwork = Pick<EvaluationNetwork, 'input' | 'mode' | 'forward' | 'trainableVariables'>;

/** One minibatch at initialization: NHWC images and their class indices (int32). */
export interface Minibatch {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** A zero-cost proxy: a number computed from a network at initialization and one minibatch; never trains. */
export type ProxyFunction = (network: ProxyNetwork, batch: Minibatch) => number | Promise<number>;

/**
 * The weights the papers score: convolution filters and linear matrices (PyTorch's nn.Conv2d and
 * nn.Linear `.weight`), i.e. every trainable tensor of rank ≥ 2; biases and batch-norm scales are not.
 */
export function scoredWeights(network: ProxyNetwork): tf.Variable[] {
  return network.trainableVariables().filter((v) => v.rank >= 2);
}
