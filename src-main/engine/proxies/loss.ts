import * as tf from '@tensorflow/tfjs';
import type { Minibatch, ProxyNetwork } from './types';

/** Mean cross-entropy of the batch in training mode (batch statistics), PyTorch's F.cross_entropy after net.train(). */
export function trainingLoss(network: ProxyNetwork, batch: Minibatch): tf.Scalar {
  const { logits } = network.forward(batch.images, { training: true, dropPathProb: 0 });
  return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]), logits) as tf.Scalar;
}

/**
 * Gradients of `f` with respect to `weights`, in their order; zeros for a weight `f` does not reach
 * (an op on an edge no path uses: PyTorch leaves its .grad None, the authors count it as 0). Call inside tf.tidy.
 */
export function gradientsOrZero(f: () => tf.Scalar, weights: tf.Variable[]): tf.Tensor[] {
  const { grads } = tf.variableGrads(f, weights);
  return weights.map((w) => grads[w.name] ?? tf.zerosLike(w));
}

/** Gradients of the training loss with respect to `weights`, in their order. Call inside tf.tidy. */
export function lossGradients(network: ProxyNetwork, batch: Minibatch, weights: tf.Variable[]): tf.Tensor[] {
  return gradientsOrZero(() => trainingLoss(network, batch), weights);
}
