import * as tf from '@tensorflow/tfjs';
import { symmetricEigenvalues } from '../linalg/dense';
import { gradientsOrZero } from './loss';
import { scoredWeights, type ProxyFunction } from './types';

/** What TE-NAS's code returns when λmax/λmin is NaN (np.nan_to_num(…, nan=100000.0)). */
const NAN_CONDITION = 100000;

/**
 * TE-NAS's condition number of the neural tangent kernel (Chen et al., ICLR 2021; lib/procedures/ntk.py):
 * for each image n, the gradient of Σ_k logits[n, k] in the weights (training mode: the batch's
 * statistics, so image n's row depends on the others as in the authors' batch), Θ = G·Gᵀ, and the
 * score λmax(Θ)/λmin(Θ). Lower is better. The authors' weights are every parameter named `weight`
 * (BN scales too); ours are the conv/linear weights.
 */
export const ntkCondition: ProxyFunction = (network, batch) => {
  const n = batch.images.shape[0];
  const weights = scoredWeights(network);
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = tf.tidy(() => {
      const grads = gradientsOrZero(() => {
        const logits = network.forward(batch.images, { training: true, dropPathProb: 0 }).logits;
        return tf.sum(tf.slice(logits, [i, 0], [1, -1])) as tf.Scalar;
      }, weights);
      return tf.concat(grads.map((g) => tf.reshape(g, [-1])));
    });
    rows.push(row.dataSync() as Float32Array);
    row.dispose();
  }
  const ntk = rows.map((a) =>
    rows.map((b) => {
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += a[k] * b[k];
      return dot;
    }),
  );
  const eig = symmetricEigenvalues(ntk);
  const condition = eig[n - 1] / eig[0];
  return Number.isNaN(condition) ? NAN_CONDITION : condition;
};
