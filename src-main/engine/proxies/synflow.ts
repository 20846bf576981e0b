import * as tf from '@tensorflow/tfjs';
import { gradientsOrZero } from './loss';
import { scoredWeights, type ProxyFunction, type ProxyNetwork } from './types';

/** Sum of the logits of one all-ones image scaled by `scale`, with every trainable weight made |θ|. */
function forwardSum(network: ProxyNetwork, scale: number): number {
  return tf.tidy(() => {
    const x = tf.fill([1, network.input.height, network.input.width, network.input.channels], scale) as tf.Tensor4D;
    return tf.sum(network.forward(x, { training: false, dropPathProb: 0 }).logits).dataSync()[0];
  });
}

/**
 * synflow (Tanaka et al., 2020, as in zero-cost-nas measures/synflow.py): with every weight replaced
 * by its absolute value, R = Σ logits of one all-ones image, and the score Σ |θ ⊙ ∂R/∂θ| over the
 * conv/linear weights. The authors run in float64 with batch norm switched off; TensorFlow.js has
 * float32 only, where R of a deep cell (~10⁴⁵) overflows. With |θ| and no bias before the
 * classifier the network is linear in its input and every conv/linear term θ·∂R/∂θ is linear in
 * both the input scale s and the output seed t, so we run at s = t = 1/√R̂ (R̂ a first estimate) and
 * divide by s·t: every value then stays near √R. Batch norm runs in evaluation mode, which at
 * initialization (running mean 0, variance 1, γ = 1, β = 0) is x/√(1 + 10⁻⁵): the identity to 5·10⁻⁶
 * per norm. The network must be fresh (running statistics untouched). Weights are restored after.
 */
export const synflow: ProxyFunction = (network) => {
  const variables = network.trainableVariables();
  const original = variables.map((v) => tf.clone(v));
  const wasTraining = network.mode.training;
  try {
    tf.tidy(() => variables.forEach((v) => v.assign(tf.abs(v))));
    let scale = 1;
    let r = forwardSum(network, scale);
    for (let tries = 0; !Number.isFinite(r) && tries < 4; tries++) r = forwardSum(network, (scale *= 1e-8));
    if (!Number.isFinite(r)) throw new Error('synflow: the network output overflows float32 even at input scale 1e-32');
    const estimate = Math.max(Math.abs(r) / scale, 1);
    const s = 1 / Math.sqrt(estimate);
    const weights = scoredWeights(network);
    return tf.tidy(() => {
      const x = tf.fill([1, network.input.height, network.input.width, network.input.channels], s) as tf.Tensor4D;
      const grads = gradientsOrZero(() => tf.mul(tf.sum(network.forward(x, { training: false, dropPathProb: 0 }).logits), s) as tf.Scalar, weights);
      const perLayer = Array.from(tf.stack(weights.map((w, i) => tf.sum(tf.abs(tf.mul(w, grads[i]))))).dataSync());
      return perLayer.reduce((sum, v) => sum + v, 0) / (s * s);
    });
  } finally {
    variables.forEach((v, i) => v.assign(original[i]));
    tf.dispose(original);
    network.mode.training = wasTraining;
  }
};
