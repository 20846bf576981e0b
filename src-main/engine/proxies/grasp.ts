import * as tf from '@tensorflow/tfjs';
import { NoSecondDerivativeError, withTwiceDifferentiableOps } from '../ops/twice-differentiable';
import { gradientsOrZero, lossGradients } from './loss';
import { withSecondOrderGradients } from './second-order';
import { scoredWeights, type Minibatch, type ProxyFunction, type ProxyNetwork } from './types';

/**
 * grasp (Wang et al., 2020, as in zero-cost-nas measures/grasp.py): Σ −θ ⊙ Hg over the conv/linear
 * weights θ, g = ∂L/∂θ, H the Hessian of the loss in θ. Hg is exact, by double backprop as the
 * authors do: Hg = ∇θ(∇θL · ḡ), ḡ the gradient's value held constant. Networks with an op whose second
 * derivative is not built (DARTS's max_pool_3x3 and dil_conv_*) take the central difference of the
 * gradient along g instead (docs/proxies.md).
 */
export const grasp: ProxyFunction = (network, batch) => {
  const weights = scoredWeights(network);
  return twiceDifferentiableNetwork(network, batch) ? exactGrasp(network, batch, weights) : centralDifferenceGrasp(network, batch, weights);
};

/** Mean cross-entropy as plain ops: tfjs's softmaxCrossEntropy has a custom gradient whose second derivative is lost. */
function crossEntropy(network: ProxyNetwork, batch: Minibatch): tf.Scalar {
  const { logits } = network.forward(batch.images, { training: true, dropPathProb: 0 });
  // log Σ exp(z − c) + c with the row maxima c as constants (tf.max's gradient has none of its own).
  const c = tf.tidy(() => {
    const m = tf.max(logits, 1, true);
    return tf.tensor(m.dataSync(), m.shape);
  });
  const logSumExp = tf.add(tf.log(tf.sum(tf.exp(tf.sub(logits, c)), 1)), tf.reshape(c, [-1]));
  const picked = tf.sum(tf.mul(logits, tf.oneHot(batch.labels, logits.shape[1])), 1);
  return tf.mean(tf.sub(logSumExp, picked));
}

/**
 * Whether every op of the network has its second derivative: one evaluation-mode forward of one
 * image in the twice-differentiable mode (no tape, no statistics moved), which refuses such ops
 * before any gradient is taped.
 */
function twiceDifferentiableNetwork(network: ProxyNetwork, batch: Minibatch): boolean {
  const wasTraining = network.mode.training;
  try {
    tf.tidy(() => withTwiceDifferentiableOps(() => void network.forward(tf.slice(batch.images, 0, 1), { training: false, dropPathProb: 0 })));
    return true;
  } catch (e) {
    if (e instanceof NoSecondDerivativeError) return false;
    throw e;
  } finally {
    network.mode.training = wasTraining;
  }
}

/**
 * H·v, H the Hessian of the training loss in `weights`, exact by double backprop: ∇θ(∇θL(θ) · v).
 * `v` in the order of `weights`, held constant. Call inside tf.tidy, within withSecondOrderGradients.
 */
export function hessianVectorProduct(network: ProxyNetwork, batch: Minibatch, weights: tf.Variable[], v: tf.Tensor[]): tf.Tensor[] {
  return gradientsOrZero(() => {
    const inner = gradientsOrZero(() => crossEntropy(network, batch), weights);
    return tf.addN(inner.map((gi, i) => tf.sum(tf.mul(gi, v[i])))) as tf.Scalar;
  }, weights);
}

/** Σ −θ ⊙ Hg with Hg exact, g = ∇θL(θ) computed first and held constant. */
export function exactGrasp(network: ProxyNetwork, batch: Minibatch, weights: tf.Variable[]): number {
  return withSecondOrderGradients(() =>
    tf.tidy(() => {
      const g = gradientsOrZero(() => crossEntropy(network, batch), weights);
      const hg = hessianVectorProduct(network, batch, weights, g);
      return tf.addN(weights.map((w, i) => tf.sum(tf.mul(tf.neg(w), hg[i])))).dataSync()[0];
    }),
  );
}

/** The central difference's step, as a fraction of ‖θ‖ moved along g (float32 gradients). */
const RELATIVE_STEP = 1e-3;

/**
 * Hg ≈ (∇L(θ + εg) − ∇L(θ − εg)) / 2ε with ε·‖g‖ = 10⁻³·‖θ‖ (error O(ε²), but not converged on a
 * ReLU/BN network in float32: docs/proxies.md). Only for networks without second derivatives.
 */
export function centralDifferenceGrasp(network: ProxyNetwork, batch: Minibatch, weights: tf.Variable[]): number {
  const theta = weights.map((w) => tf.clone(w));
  try {
    const g = tf.tidy(() => lossGradients(network, batch, weights));
    const eps = tf.tidy(() => {
      const norm = (ts: tf.Tensor[]) => Math.sqrt(tf.addN(ts.map((t) => tf.sum(tf.square(t)))).dataSync()[0]);
      const gNorm = norm(g);
      return gNorm === 0 ? 0 : (RELATIVE_STEP * norm(theta)) / gNorm;
    });
    if (eps === 0) {
      tf.dispose(g);
      return 0;
    }
    const gradientAt = (sign: number): tf.Tensor[] => {
      tf.tidy(() => weights.forEach((w, i) => w.assign(tf.add(theta[i], tf.mul(g[i], sign * eps)))));
      return tf.tidy(() => lossGradients(network, batch, weights));
    };
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    const score = tf.tidy(() =>
      tf.addN(theta.map((t, i) => tf.sum(tf.mul(tf.neg(t), tf.div(tf.sub(plus[i], minus[i]), 2 * eps))))).dataSync()[0],
    );
    tf.dispose([g, plus, minus]);
    return score;
  } finally {
    weights.forEach((w, i) => w.assign(theta[i]));
    tf.dispose(theta);
  }
}
