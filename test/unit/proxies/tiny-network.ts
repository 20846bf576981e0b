import * as tf from '@tensorflow/tfjs';
import type { ProxyNetwork } from '../../../src-main/engine/proxies/types';

/**
 * A tiny network the proxies' values can be worked out for by hand: the image flattened, then
 * matrices W1…WL with a ReLU between consecutive ones (applied on a 4-D [B, 1, 1, units] tensor,
 * as convolutional networks' ReLUs are), no bias, no batch norm.
 */
export class TinyNetwork implements ProxyNetwork {
  readonly mode = { training: false };
  readonly weights: tf.Variable[];

  constructor(
    readonly input: { height: number; width: number; channels: number; classes: number },
    matrices: number[][][],
  ) {
    this.weights = matrices.map((m) => tf.tidy(() => tf.variable(tf.tensor2d(m))));
  }

  forward(x: tf.Tensor4D, options: { training: boolean }): { logits: tf.Tensor2D; auxLogits: null } {
    this.mode.training = options.training;
    let h = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    this.weights.forEach((w, l) => {
      if (l > 0) h = tf.reshape(tf.relu(tf.reshape(h, [h.shape[0], 1, 1, -1])), [h.shape[0], -1]) as tf.Tensor2D;
      h = tf.matMul(h, w as tf.Tensor2D);
    });
    return { logits: h, auxLogits: null };
  }

  trainableVariables(): tf.Variable[] {
    return this.weights;
  }

  dispose(): void {
    tf.dispose(this.weights);
  }
}

/** Row-vector × matrix in float64. */
export const vecMat = (v: number[], m: number[][]): number[] => m[0].map((_, k) => v.reduce((s, vi, i) => s + vi * m[i][k], 0));
export const softmax = (z: number[]): number[] => {
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
