import * as tf from '@tensorflow/tfjs';
import { subsample2, type Stride } from './primitives';
import { NoSecondDerivativeError, twiceDifferentiable } from './twice-differentiable';

/**
 * Depthwise convolution with dilation > 1, symmetric zero padding d·(k-1)/2 (PyTorch's DilConv; at
 * stride 1 the output keeps the input's size), differentiable on every backend. On wasm (with our
 * gradient kernels registered) it is one dilated kernel call each way at either stride: the
 * generated SIMD kernels and the native ones honour stride and dilation together;
 * tf.depthwiseConv2d forbids stride with dilation and tfjs registers no gradient for a dilated
 * depthwise convolution, so the kernels are called directly. Elsewhere, at stride 1 the backward
 * pass is composed from ops that have kernels everywhere:
 *  - input gradient: the same dilated depthwise convolution of dy with the spatially flipped filter;
 *  - filter gradient: a depthwise convolution whose channels are (batch, channel) pairs, with the
 *    padded input as the image, dy as the filter and the dilation as the stride (the cpu backend's
 *    own kernel ignores dilation);
 * and stride 2 is the stride-1 result sampled at even positions (the same values, 4× the work).
 * Both are derived in docs/engine.md and checked against finite differences in the tests.
 */
export function dilatedDepthwiseConv(x: tf.Tensor4D, filter: tf.Tensor4D, dilation: number, stride: Stride = 1): tf.Tensor4D {
  const [kh, kw, , mult] = filter.shape;
  if (kh % 2 === 0 || kw % 2 === 0) throw new Error(`dilatedDepthwiseConv needs an odd kernel, got ${kh}x${kw}`);
  if (kh !== kw) throw new Error(`dilatedDepthwiseConv needs a square kernel, got ${kh}x${kw}`);
  if (mult !== 1) throw new Error(`dilatedDepthwiseConv supports channel multiplier 1, got ${mult}`);
  if (dilation === 1) throw new Error('dilatedDepthwiseConv needs dilation > 1; use depthwiseConv for dilation 1');
  // Both forms below have a custom gradient whose saved inputs tfjs detaches: a second derivative would be wrong.
  if (twiceDifferentiable()) throw new NoSecondDerivativeError('a dilated depthwise convolution (dil_conv)');
  if (hasDilatedGradientKernels()) return dilatedByKernels(x, filter, dilation, stride);
  if (stride === 1) return dilatedStride1(x, filter, dilation);
  return subsample2(dilatedStride1(x, filter, dilation));
}

/** Where the backend's depthwise gradient kernels honour stride and dilation together (ours on wasm). */
function hasDilatedGradientKernels(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(tf.DepthwiseConv2dNativeBackpropInput, 'wasm') !== undefined &&
    tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, 'wasm') !== undefined
  );
}

function dilatedByKernels(x: tf.Tensor4D, filter: tf.Tensor4D, dilation: number, stride: Stride): tf.Tensor4D {
  const attrs = { strides: stride, pad: (dilation * (filter.shape[0] - 1)) / 2, dilations: dilation };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, f4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, f4]);
    return {
      value: tf.engine().runKernel(tf.DepthwiseConv2dNative, { x: x4, filter: f4 }, attrs) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: fs }, { ...attrs, inputShape: xs.shape });
        const dFilter = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xs, dy }, { ...attrs, filterShape: fs.shape });
        return [dx as tf.Tensor4D, dFilter as tf.Tensor4D];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

function dilatedStride1(x: tf.Tensor4D, filter: tf.Tensor4D, dilation: number): tf.Tensor4D {
  const [kh, kw] = filter.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, f4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, f4]);
    return {
      value: tf.depthwiseConv2d(x4, f4, 1, 'same', 'NHWC', dilation),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const dx = tf.depthwiseConv2d(dy4, tf.reverse(fs, [0, 1]), 1, 'same', 'NHWC', dilation);
        return [dx, depthwiseFilterGrad(xs, dy4, kh, kw, dilation)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, dilation: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const ph = (dilation * (kh - 1)) / 2;
    const pw = (dilation * (kw - 1)) / 2;
    const padded = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
    const image = padded.transpose([1, 2, 0, 3]).reshape([1, h + 2 * ph, w + 2 * pw, n * c]) as tf.Tensor4D;
    const kernel = dy.transpose([1, 2, 0, 3]).reshape([h, w, n * c, 1]) as tf.Tensor4D;
    const perPair = tf.depthwiseConv2d(image, kernel, dilation, 'valid');
    return perPair.reshape([kh, kw, n, c]).sum(2).reshape([kh, kw, c, 1]) as tf.Tensor4D;
  });
}
