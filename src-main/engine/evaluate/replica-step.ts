import * as tf from '@tensorflow/tfjs';
import { gradsInOrder } from '../optim/optimizers';
import { correctCount, crossEntropy } from './classification';
import type { DropPathMasks, EvaluationNetwork } from './network';

export interface ReplicaStepOptions {
  dropPathProb: number;
  /** Weight of the auxiliary head's loss (0: the network has none). */
  auxiliaryWeight: number;
  /** The batch's drop-path factors when drawn beforehand (data parallel). */
  dropPathMasks?: DropPathMasks;
}

export interface ReplicaGradients {
  /** Mean cross-entropy over the batch (plus auxiliaryWeight times the auxiliary head's). */
  loss: number;
  /** Samples classified right (training mode). */
  correct: number;
  /** d loss / d weight, in the order of `weights`; the caller disposes them. */
  grads: tf.Tensor[];
}

/**
 * One training forward and backward pass of an evaluation network on a batch: the same code on the
 * main thread's engine and on a data-parallel worker's, so both halves of a batch are computed alike.
 */
export function lossAndGradients(net: EvaluationNetwork, weights: tf.Variable[], x: tf.Tensor4D, y: tf.Tensor1D, options: ReplicaStepOptions): ReplicaGradients {
  let correct = 0;
  const { value, grads } = tf.variableGrads(() => {
    const { logits, auxLogits } = net.forward(x, { training: true, dropPathProb: options.dropPathProb, dropPathMasks: options.dropPathMasks });
    correct = tf.tidy(() => correctCount(logits, y).dataSync()[0]);
    const loss = crossEntropy(logits, y);
    return auxLogits ? tf.add(loss, tf.mul(crossEntropy(auxLogits, y), options.auxiliaryWeight)) : loss;
  }, weights);
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, correct, grads: gradsInOrder(weights, grads) };
}
