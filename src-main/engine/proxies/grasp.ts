import * as tf from '@tensorflow/tfjs';
import { lossGradients } from './loss';
import { scoredWeights, type ProxyFunction } from './types';

/** The central difference's step, as a fraction of ‖θ‖ moved along g (float32 gradients: small enough for the O(ε²) term, large enough for rounding). */
const RELATIVE_STEP = 1e-3;

/**
 * grasp (Wang et al., 2020, as in zero-cost-nas measures/grasp.py): Σ −θ ⊙ Hg over the conv/linear
 * weights θ, g = ∂L/∂θ, H the Hessian of the loss in θ. The authors get Hg by double backprop; our
 * batch norm's fused backward has no second derivative, so Hg is the central difference of the
 * gradient along g: (∇L(θ + εg) − ∇L(θ − εg)) / 2ε, with ε·‖g‖ = 10⁻³·‖θ‖ (error O(ε²); the test
 * checks it against the closed-form Hessian of a softmax regression).
 */
export const grasp: ProxyFunction = (network, batch) => {
  const weights = scoredWeights(network);
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
};
