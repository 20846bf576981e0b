import * as tf from '@tensorflow/tfjs';
import { rowCorrelation, symmetricEigenvalues } from '../linalg/dense';
import type { ProxyFunction } from './types';

/** zero-cost-nas's k: keeps log and 1/v finite at zero eigenvalues. */
const K = 1e-5;

/**
 * jacob_cov (NASWOT's first version, Mellor et al. 2020, as in zero-cost-nas measures/jacob_cov.py):
 * J = ∂(Σ logits)/∂x per image (training mode), C = the correlation matrix of the rows of J, and the
 * score −Σ (log(λ + k) + 1/(λ + k)) over C's eigenvalues λ, k = 10⁻⁵. NaN when an image's
 * Jacobian is constant (its correlation is undefined), as the authors' code gives.
 */
export const jacobCov: ProxyFunction = (network, batch) => {
  const jacobian = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(network.forward(x as tf.Tensor4D, { training: true, dropPathProb: 0 }).logits))(batch.images));
  const n = batch.images.shape[0];
  const flat = jacobian.dataSync() as Float32Array;
  jacobian.dispose();
  const size = flat.length / n;
  const rows = Array.from({ length: n }, (_, i) => flat.subarray(i * size, (i + 1) * size));
  const corr = rowCorrelation(rows);
  if (corr.some((row) => row.some((v) => !Number.isFinite(v)))) return Number.NaN;
  return -symmetricEigenvalues(corr).reduce((s, v) => s + Math.log(v + K) + 1 / (v + K), 0);
};
