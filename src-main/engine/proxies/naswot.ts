import * as tf from '@tensorflow/tfjs';
import { collectReluCodes, hamming } from './relu-codes';
import { logAbsDet } from '../linalg/dense';
import type { ProxyFunction } from './types';

/**
 * NASWOT (Mellor et al., ICML 2021; BayesWatch/nas-without-training search.py): with c_i the binary
 * code of image i over every ReLU unit (training mode), K_ij = c_i·c_j + (1 − c_i)·(1 − c_j), the
 * number of units on which images i and j agree (units − Hamming distance), and the score
 * log|det K|. −∞ when two images share a code (K singular), as numpy's slogdet gives.
 */
export const naswot: ProxyFunction = (network, batch) => {
  const n = batch.images.shape[0];
  const codes = collectReluCodes(n, () => tf.tidy(() => void network.forward(batch.images, { training: true, dropPathProb: 0 })));
  const kernel = Array.from({ length: n }, () => new Array<number>(n).fill(codes.units));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) kernel[i][j] = kernel[j][i] = codes.units - hamming(codes, i, j);
  }
  return logAbsDet(kernel);
};
