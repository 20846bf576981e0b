import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../../evaluate/classification';
import type { ActivePaths, CellWeights, Supernet } from '../../supernet/types';
import type { Batch } from '../oneshot/architect';
import type { SampledObjective } from './estimators';
import type { Rows } from './gumbel';

/** α of every cell type as plain rows, in `net.arch` order (normal rows, then reduce rows). */
export function archRows(net: Supernet): Rows {
  return net.arch.flatMap((a) => a.alpha.arraySync());
}

/** Cuts rows in `net.arch` order back into one block per cell type. */
export function splitRows<T>(net: Supernet, rows: readonly T[]): T[][] {
  const total = net.arch.reduce((s, a) => s + a.edgeOps.length, 0);
  if (rows.length !== total) throw new Error(`got ${rows.length} edge rows, the supernet's cells have ${total}`);
  let at = 0;
  return net.arch.map((a) => {
    const block = rows.slice(at, at + a.edgeOps.length);
    at += a.edgeOps.length;
    return block;
  });
}

/** Edge weights per cell type from tensors in `net.arch` order, with an optional op choice (one op or several) per row. */
export function cellWeights(net: Supernet, weights: readonly tf.Tensor2D[], choice?: readonly ActivePaths[]): CellWeights {
  const out: CellWeights = {};
  const choices = choice ? splitRows(net, choice) : undefined;
  net.arch.forEach((a, i) => {
    out[a.kind] = choices ? { weights: weights[i], activeOp: choices[i] } : { weights: weights[i] };
  });
  return out;
}

/** Rows as one [edges, ops] tensor per cell type. */
export function rowTensors(net: Supernet, rows: Rows): tf.Tensor2D[] {
  return splitRows(net, rows).map((block) => tf.tensor2d(block));
}

/**
 * The supernet's loss on one batch as a function of the architecture sample, for the gradient
 * estimators: relaxed weights over all ops (with ∂L/∂w), or one op per edge (only that op computed).
 * The weights are not trained here; nothing is left allocated.
 */
export function supernetObjective(net: Supernet, batch: Batch): SampledObjective {
  return {
    relaxed(rows) {
      const inputs = rowTensors(net, rows);
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => crossEntropy(net.forward(batch.x, cellWeights(net, ws as tf.Tensor2D[])), batch.y))(inputs);
      const loss = value.dataSync()[0];
      const grad = grads.flatMap((g) => g.arraySync() as number[][]);
      tf.dispose([value, ...grads, ...inputs]);
      return { value: loss, grad };
    },
    discrete(choice) {
      const loss = tf.tidy(() => {
        const blocks = splitRows(net, [...choice]);
        const oneHots = blocks.map((b, i) => tf.oneHot(tf.tensor1d(b, 'int32'), net.arch[i].edgeOps[0].length, 1, 0, 'float32') as tf.Tensor2D);
        return crossEntropy(net.forward(batch.x, cellWeights(net, oneHots, choice)), batch.y);
      });
      const value = loss.dataSync()[0];
      loss.dispose();
      return value;
    },
  };
}
