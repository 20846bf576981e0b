import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches';

/** Mean softmax cross-entropy of logits [n, k] against int32 labels [n]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar);
}

/** Number of rows whose largest logit is the label's (a scalar tensor, to stay on the device). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
}

export interface ClassificationScore {
  loss: number;
  acc: number;
  count: number;
}

/**
 * Mean loss and accuracy of `forward` over every batch (weighted by batch size), each batch
 * disposed as soon as it is scored. Nothing is taped: call it outside gradient computations.
 */
export async function scoreBatches(forward: (x: tf.Tensor4D) => tf.Tensor2D, batches: Iterable<Batch>): Promise<ClassificationScore> {
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (const batch of batches) {
    const [loss, right] = tf.tidy(() => {
      const logits = forward(batch.x);
      return [tf.mul(crossEntropy(logits, batch.y), batch.y.shape[0]), correctCount(logits, batch.y)];
    });
    lossSum += (await loss.data())[0];
    correct += (await right.data())[0];
    count += batch.y.shape[0];
    tf.dispose([loss, right, batch.x, batch.y]);
  }
  if (count === 0) throw new Error('cannot score an empty set of batches');
  return { loss: lossSum / count, acc: correct / count, count };
}
