import * as tf from '@tensorflow/tfjs';
import { lossGradients } from './loss';
import { scoredWeights, type ProxyFunction } from './types';

/**
 * snip (Lee et al., 2019, as in zero-cost-nas measures/snip.py): Σ |∂L/∂m| over the all-ones mask m
 * multiplying every conv/linear weight; at m = 1 that is Σ |W ⊙ ∂L/∂W|.
 */
export const snip: ProxyFunction = (network, batch) =>
  tf.tidy(() => {
    const weights = scoredWeights(network);
    const grads = lossGradients(network, batch, weights);
    return tf.addN(grads.map((g, i) => tf.sum(tf.abs(tf.mul(weights[i], g))))).dataSync()[0];
  });
