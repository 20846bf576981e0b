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
  /** Each image's predicted class (arg-max of its logits) in batch order, when asked for. */
  predictions?: Int32Array;
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
 * statistics, no drop-path, no auxiliary head) over every batch, each disposed once scored; with
 * `predictions`, every image's predicted class too.
 */
export async function scoreNetwork(network: EvaluationNetwork, batches: Iterable<Batch>, top5: boolean, predictions = false): Promise<TestScore> {
  let [lossSum, correct, correct5, count] = [0, 0, 0, 0];
  const predicted: Int32Array[] = [];
  for (const batch of batches) {
    const [scalars, argMax] = tf.tidy(() => {
      const { logits } = network.forward(batch.x, { training: false, dropPathProb: 0 });
      const out = [tf.mul(crossEntropy(logits, batch.y), batch.y.shape[0]), correctCount(logits, batch.y)];
      return [top5 ? [...out, topKCorrect(logits, batch.y, 5)] : out, predictions ? tf.argMax(logits, 1) : null] as const;
    });
    const values = await Promise.all(scalars.map(async (t) => (await t.data())[0]));
    if (argMax) predicted.push(Int32Array.from(await argMax.data()));
    lossSum += values[0];
    correct += values[1];
    correct5 += values[2] ?? 0;
    count += batch.y.shape[0];
    tf.dispose([...scalars, ...(argMax ? [argMax] : []), batch.x, batch.y]);
  }
  if (count === 0) throw new Error('cannot score an empty set of batches');
  const all = predictions ? new Int32Array(count) : undefined;
  if (all) predicted.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return { loss: lossSum / count, acc: correct / count, ...(top5 ? { top5: correct5 / count } : {}), count, ...(all ? { predictions: all } : {}) };
}
