import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_EPS } from '../backend/kernels/batch-norm-names';
import type { ParamStore } from '../ops/params';
import { batchNormNoAffine, channelMean } from '../ops/primitives';
import { twiceDifferentiable } from '../ops/twice-differentiable';
import type { Op } from '../ops/types';

/** PyTorch's BatchNorm2d default: running = (1 − 0.1)·running + 0.1·batch. */
export const BN_MOMENTUM = 0.1;

/** Whether the network runs as in training (batch statistics, drop-path, auxiliary head) or in evaluation. */
export interface NetworkMode {
  training: boolean;
  /**
   * Training mode without moving the running statistics: a cell recomputed for its gradient
   * (gradient checkpointing) normalizes as its forward pass did but must not count the batch twice.
   */
  statisticsFrozen?: boolean;
}

/**
 * y = x̂·γ + β, its gradient's channel sums (dγ = Σ dy·x̂, dβ = Σ dy over N, H and W) taken as
 * full-window average pools: tfjs's own gradient of the broadcast Mul and Add reduces with Sum over
 * axes [0, 1, 2], which transposes dy first on wasm (2.8 ms a call at 96×28×28×16 against 0.2 ms as a
 * pool; a quarter of the fmnist-cpu DARTS_V2 step, docs/performance.md).
 */
const fusedScaleShift = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [xHat, gamma, beta, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  save([xHat, gamma]);
  return {
    value: tf.add(tf.mul(xHat, gamma), beta),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [x, g] = saved as [tf.Tensor4D, tf.Tensor1D];
      const dy4 = dy as tf.Tensor4D;
      const [n, h, w, c] = dy4.shape;
      const channelSum = (t: tf.Tensor4D) => tf.reshape(tf.mul(channelMean(t), n * h * w), [c]);
      return [tf.mul(dy4, g), channelSum(tf.mul(dy4, x) as tf.Tensor4D), channelSum(dy4)];
    },
  };
});

/** The affine step of batch norm; plain ops where a second derivative is needed (grasp's double backprop): a custom gradient has none. */
function scaleShift(xHat: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor4D {
  return (twiceDifferentiable() ? tf.add(tf.mul(xHat, gamma), beta) : fusedScaleShift(xHat, gamma, beta)) as tf.Tensor4D;
}

/**
 * PyTorch's BatchNorm2d(C, affine=True, track_running_stats=True), NHWC. Training mode normalizes
 * with the batch's statistics (the project's fused batch norm, its closed-form backward) and moves
 * the running statistics towards the batch's, the variance unbiased (n/(n−1), n = N·H·W) as PyTorch
 * stores it (unless `mode.statisticsFrozen`); evaluation mode normalizes with the running statistics. Scale and shift are trainable
 * weights in `params` (`<name>.weight`, `<name>.bias`); the running statistics are buffers in
 * `buffers` (`<name>.running_mean`, `<name>.running_var`), never trained and never counted.
 */
export function runningBatchNorm(params: ParamStore, buffers: ParamStore, mode: NetworkMode, channels: number, name: string): Op {
  const gamma = params.constant(`${name}.weight`, channels, 1);
  const beta = params.constant(`${name}.bias`, channels, 0);
  const runningMean = buffers.constant(`${name}.running_mean`, channels, 0);
  const runningVar = buffers.constant(`${name}.running_var`, channels, 1);
  return (x) => {
    if (!mode.training) {
      return tf.tidy(() => {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, BATCH_NORM_EPS)));
        return tf.add(tf.mul(tf.sub(x, runningMean), scale), beta) as tf.Tensor4D;
      });
    }
    const [n, h, w] = x.shape;
    const count = n * h * w;
    // The statistics are read from x without a gradient path to the loss: the tape never differentiates them.
    // Two single-pass channel means (E[x], E[x²]) instead of tf.moments, which transposes x twice on wasm
    // (fmnist-quick's step went from 1.9 s to 0.56 s); E[x²] − E[x]² is clamped at 0 against rounding.
    if (!mode.statisticsFrozen) {
      tf.tidy(() => {
        const mean = tf.reshape(channelMean(x), [channels]);
        const variance = tf.relu(tf.sub(tf.reshape(channelMean(tf.square(x) as tf.Tensor4D), [channels]), tf.square(mean)));
        const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
        runningMean.assign(tf.add(tf.mul(runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
        runningVar.assign(tf.add(tf.mul(runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
      });
    }
    return scaleShift(batchNormNoAffine(x), gamma as tf.Tensor1D, beta as tf.Tensor1D);
  };
}
