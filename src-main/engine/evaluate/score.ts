import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches';
import { correctCount, crossEntropy } from './classification';
import type { EvaluationNetwork } from './network';

export interface TestScore {
  loss: number;
  /** Top-1 accuracy in [0, 1]. */
  acc: number;
  /** Top-5 accuracy in [0, 1], when asked for. */
  top5?: number;
  count: number;
}

/** Rows whose label is among the k largest logits (a scalar tensor). */
export function topKCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D, k: number): tf.Scalar {
  return tf.tidy(() => {
    const { indices } = tf.topk(logits, Math.min(k, logits.shape[1]));
    const hits = tf.equal(indices, tf.expandDims(labels, 1));
    return tf.sum(tf.cast(tf.any(hits, 1), 'float32')) as tf.Scalar;
  });
}

/**
 * Loss, top-1 (and with `top5`, top-5) accuracy of the network in evaluation mode (running
 * statistics, no drop-path, no auxiliary head) over every batch, each disposed once scored.
 */
export async function scoreNetwork(network: EvaluationNetwork, batches: Iterable<Batch>, top5: boolean): Promise<TestScore> {
  let [lossSum, correct, correct5, count] = [0, 0, 0, 0];
  for (const batch of batches) {
    const parts = tf.tidy(() => {
      const { logits } = network.forward(batch.x, { training: false, dropPathProb: 0 });
      const out = [tf.mul(crossEntropy(logits, batch.y), batch.y.shape[0]), correctCount(logits, batch.y)];
      return top5 ? [...out, topKCorrect(logits, batch.y, 5)] : out;
    });
    const values = await Promise.all(parts.map(async (t) => (await t.data())[0]));
    lossSum += values[0];
    correct += values[1];
    correct5 += values[2] ?? 0;
    count += batch.y.shape[0];
    tf.dispose([...parts, batch.x, batch.y]);
  }
  if (count === 0) throw new Error('cannot score an empty set of batches');
  return { loss: lossSum / count, acc: correct / count, ...(top5 ? { top5: correct5 / count } : {}), count };
}
