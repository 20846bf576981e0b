import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_EPS, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../backend/kernels/batch-norm-names';
import { NoSecondDerivativeError, twiceDifferentiable } from './twice-differentiable';

/**
 * Differentiable building blocks with PyTorch's padding semantics (DARTS's reference code is
 * PyTorch). tfjs's 'same' padding puts the extra row at the bottom when a stride-2 window does not
 * fit, PyTorch pads symmetrically; so every strided op here passes the symmetric padding (k-1)/2 as
 * a number, which the kernels apply on the fly (no padded copy, no Slice in the backward pass).
 */

export type Stride = 1 | 2;

/** Output size of a PyTorch-style k×k window with padding (k-1)/2 and the given stride. */
export function strided(size: number, stride: Stride): number {
  return Math.ceil(size / stride);
}

/** conv2d with padding (k-1)/2 on both sides (PyTorch `padding=k//2`), no bias. */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  const k = filter.shape[0];
  if (stride === 1) return tf.conv2d(x, filter, 1, 'same');
  return tf.conv2d(x, filter, stride, (k - 1) / 2);
}

/** Non-dilated depthwise conv with padding (k-1)/2 on both sides. */
export function depthwiseConv(x: tf.Tensor4D, filter: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  const k = filter.shape[0];
  if (stride === 1) return tf.depthwiseConv2d(x, filter, 1, 'same');
  return tf.depthwiseConv2d(x, filter, stride, (k - 1) / 2);
}

/**
 * Every second row and column starting at 0 (`x[:, ::2, ::2]` in NHWC), built from pad, reshape and
 * slice because tfjs has no gradient for stridedSlice.
 */
export function subsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const even = tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]);
  const h2 = Math.ceil(h / 2);
  const w2 = Math.ceil(w / 2);
  return even
    .reshape([n, h2, 2, w2, 2, c])
    .slice([0, 0, 0, 0, 0, 0], [n, h2, 1, w2, 1, c])
    .reshape([n, h2, w2, c]) as tf.Tensor4D;
}

/** 3×3 max pooling, padding 1 (padded cells never win), as PyTorch's MaxPool2d(3, stride, 1). */
export function maxPool3x3(x: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  // MaxPoolGrad's own gradient (a gather at each window's argmax) is not built.
  if (twiceDifferentiable()) throw new NoSecondDerivativeError('max pooling (max_pool_3x3)');
  if (stride === 1) return tf.maxPool(x, 3, 1, 'same');
  return tf.maxPool(x, 3, stride, 1);
}

/**
 * 3×3 average pooling, padding 1, dividing by the number of real (unpadded) cells in each window:
 * PyTorch's AvgPool2d(3, stride, 1, count_include_pad=False), which DARTS and NAS-Bench-201 use.
 * Forward: the AvgPool kernel with padding 1 ('same' at stride 1), which divides by the real
 * cells (TF's semantics: cpu, webgl, wasm/XNNPACK, TF; the kernel pads on the fly). Backward: its own gradient, the input
 * gradient of a depthwise convolution with a filter of ones applied to dy / count, because the stock
 * AvgPoolGrad of a padded pooling divides by the full window at the borders (cpu, wasm). No padded
 * copy forward and no Slice backward (an earlier version pooled an explicitly padded input).
 */
export function avgPool3x3ExcludePad(x: tf.Tensor4D, stride: Stride): tf.Tensor4D {
  return (stride === 1 ? avgPoolExcludePad1 : avgPoolExcludePad2)(x);
}

function avgPoolExcludePad(stride: Stride): (x: tf.Tensor4D) => tf.Tensor4D {
  // 'same' is padding 1 at stride 1 and the form every backend takes (maxPool3x3 likewise).
  const pad = stride === 1 ? 'same' : 1;
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const value = tf.engine().runKernel(tf.AvgPool, { x }, { filterSize: 3, strides: stride, pad }) as tf.Tensor4D;
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const [, h, w, c] = x.shape;
        const perCell = tf.mul(dy as tf.Tensor4D, inverseCounts(h, w, stride));
        const ones = tf.ones([3, 3, c, 1]);
        const attrs = { strides: stride, pad, dilations: 1, inputShape: x.shape };
        return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: perCell, filter: ones }, attrs) as tf.Tensor4D;
      },
    };
  }) as (x: tf.Tensor4D) => tf.Tensor4D;
}

const avgPoolExcludePad1 = avgPoolExcludePad(1);
const avgPoolExcludePad2 = avgPoolExcludePad(2);

/** 1 / (cells of the window inside the image), shape [1, outH, outW, 1]. */
function inverseCounts(h: number, w: number, stride: Stride): tf.Tensor4D {
  const rows = inside(h, stride);
  const cols = inside(w, stride);
  const scale = new Float32Array(rows.length * cols.length);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) scale[i * cols.length + j] = 1 / (rows[i] * cols[j]);
  }
  return tf.tensor4d(scale, [1, rows.length, cols.length, 1]);
}

/** For each output position along one axis: how many of the 3 window cells fall inside [0, size). */
function inside(size: number, stride: Stride): number[] {
  const counts: number[] = [];
  for (let o = 0; o < strided(size, stride); o++) {
    const start = o * stride - 1;
    counts.push(Math.min(start + 2, size - 1) - Math.max(start, 0) + 1);
  }
  return counts;
}

/**
 * Per-channel mean over batch and space, [1, 1, 1, C], as one full-window average pooling of the
 * batch stacked along the rows: a single pass over x on every backend, where tf.mean over axes
 * [0, 1, 2] transposes the reduced axes to the end first (the fastest formulation measured on wasm,
 * docs/performance.md). The AvgPool kernel is called directly: tf.avgPool adds a Cast per call.
 */
export function channelMean(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const stacked = tf.reshape(x, [1, n * h, w, c]);
  return tf.engine().runKernel(tf.AvgPool, { x: stacked }, { filterSize: [n * h, w], strides: 1, pad: 'valid' }) as tf.Tensor4D;
}

/**
 * Batch normalisation with batch statistics (training mode, as DARTS's search runs throughout),
 * without affine parameters; variance from the centred values (biased, as PyTorch normalises).
 * The backward pass is the closed form dx = (dy - mean(dy) - x̂·mean(dy·x̂)) / σ, which keeps far
 * fewer intermediates than autodiff. Where the backend has the fused kernels (our wasm kernels,
 * docs/backend.md) each direction is one kernel call; elsewhere the same formulas are composed.
 */
export const batchNormNoAffine: (x: tf.Tensor4D) => tf.Tensor4D = (() => {
  const fused = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const [normalized, invStd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x }) as tf.Tensor[];
    save([normalized, invStd]);
    return {
      value: normalized,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [y, inv] = saved;
        return [tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: dy as tf.Tensor, y, invStd: inv }) as tf.Tensor];
      },
    };
  });
  const composed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const centred = tf.sub(x, channelMean(x)) as tf.Tensor4D;
    const invStd = tf.rsqrt(tf.add(channelMean(tf.square(centred) as tf.Tensor4D), BATCH_NORM_EPS));
    const normalized = tf.mul(centred, invStd);
    save([normalized, invStd]);
    return {
      value: normalized,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xHat, inv] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const shift = tf.mul(channelMean(dy4), inv);
        const slope = tf.mul(channelMean(tf.mul(dy4, xHat) as tf.Tensor4D), inv);
        return [tf.sub(tf.mul(dy4, inv), tf.add(tf.mul(xHat, slope), shift))];
      },
    };
  });
  // Differentiated twice (ops/twice-differentiable.ts): no custom gradient, tfjs would detach its saved statistics.
  const autodiffed = (x: tf.Tensor4D): tf.Tensor4D => {
    const centred = tf.sub(x, channelMean(x)) as tf.Tensor4D;
    return tf.mul(centred, tf.rsqrt(tf.add(channelMean(tf.square(centred) as tf.Tensor4D), BATCH_NORM_EPS)));
  };
  return (x: tf.Tensor4D) => {
    if (twiceDifferentiable()) return autodiffed(x);
    const backend = tf.getBackend();
    const hasFused = tf.getKernel(BATCH_NORM_TRAIN, backend) !== undefined && tf.getKernel(BATCH_NORM_TRAIN_GRAD, backend) !== undefined;
    return (hasFused ? fused(x) : composed(x)) as tf.Tensor4D;
  };
})();
