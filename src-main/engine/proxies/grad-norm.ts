import * as tf from '@tensorflow/tfjs';
import { lossGradients } from './loss';
import { scoredWeights, type ProxyFunction } from './types';

/**
 * grad_norm (Abdelfattah et al., ICLR 2021; zero-cost-nas measures/grad_norm.py): Σ over layers of
 * the L2 norm of ∂L/∂W for the batch's cross-entropy, each conv/linear weight one layer.
 */
export const gradNorm: ProxyFunction = (network, batch) =>
  tf.tidy(() => {
    const weights = scoredWeights(network);
    const grads = lossGradients(network, batch, weights);
    return tf.addN(grads.map((g) => tf.norm(g))).dataSync()[0];
  });
