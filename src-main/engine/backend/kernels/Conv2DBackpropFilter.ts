import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { pointwiseFilterKernel, pointwiseFilterSupported, type PointwiseFilterGradient } from '../simd/pointwise-filter';
import { blockedSums, floatIndex, heapFloats } from './batch-norm-rows';
import { asTensor, padOrCrop, requireChannelsLast, requireInputs, tidyKernel, WASM } from './kernel-util';

/**
 * A 1×1 stride-1 unpadded convolution's dW[i, :] = Σ_p x[p, i] · dy[p, :] over all P pixels, read
 * in place (no transposed copy of x): float32 blocks of rows summed by the generated SIMD kernel
 * (simd/pointwise-filter.ts) into `out`, the blocks added in float64. Ci a multiple of 4, Co of 8.
 */
function pointwiseFilterGradient(sumRows: PointwiseFilterGradient, backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, ci: number, co: number, filterShape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(filterShape, 'float32');
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const heap = heapFloats(backend);
  const [xAt, dyAt, outAt] = [floatIndex(backend, x), floatIndex(backend, dy), floatIndex(backend, out)];
  const weights = ci * co;
  const layout = { rows: tf.util.sizeFromShape(x.shape) / ci, channels: weights };
  const [total] = blockedSums(heap, layout, [outAt], (first, count) => sumRows(4 * (xAt + first * ci), 4 * (dyAt + first * co), 4 * outAt, count));
  heap.set(total, outAt);
  return out;
}

/**
 * dW of a convolution as one convolution: the padded input transposed to [Ci, H, W, N] (input
 * channels as the batch, the batch as channels) convolved with dy read as an [outH, outW, N, Co]
 * filter, dilated by the forward stride, gives [Ci, fh, fw, Co]. A 1×1 stride-1 unpadded
 * convolution is a plain matMul over all pixels, or with Ci a multiple of 4 and Co of 8 the
 * generated SIMD kernel above; a strided unpadded 1×1 one (FactorizedReduce) is that of the pixels its stride reads.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const { x, dy } = requireInputs(tf.Conv2DBackpropFilter, args.inputs, ['x', 'dy']);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  requireChannelsLast(tf.Conv2DBackpropFilter, dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [fh, fw, ci, co] = filterShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const [n, h, w] = x.shape;
  const unpadded = padInfo.top === 0 && padInfo.left === 0 && oh === h && ow === w;
  const pointwise = fh === 1 && fw === 1 && sh === 1 && sw === 1 && unpadded;
  const sumRows = pointwise && pointwiseFilterSupported(ci, co) && x.dtype === 'float32' && dy.dtype === 'float32' ? pointwiseFilterKernel(args.backend, ci, co) : null;
  if (sumRows) return pointwiseFilterGradient(sumRows, args.backend, x, dy, ci, co, filterShape);
  const stridedPointwise = fh === 1 && fw === 1 && padInfo.top === 0 && padInfo.left === 0 && h === oh * sh && w === ow * sw && (sh > 1 || sw > 1);
  return tidyKernel(tf.Conv2DBackpropFilter, filterShape, () => {
    const x4 = asTensor<tf.Rank.R4>(x);
    const dy4 = asTensor<tf.Rank.R4>(dy);
    if (stridedPointwise) {
      // Only the pixels (sh·y, sw·x) meet dy: gather them (Slice copies runs of Ci floats), then
      // the stride-1 gradient above, instead of transposing all of x for a large convolution.
      const taken = tf.slice(tf.reshape(x4, [n, oh, sh, ow, sw, ci]), [0, 0, 0, 0, 0, 0], [n, oh, 1, ow, 1, ci]);
      const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape };
      return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.reshape(taken, [n, oh, ow, ci]), dy: dy4 }, attrs) as tf.Tensor;
    }
    if (pointwise) {
      const pixels = tf.reshape(x4, [-1, ci]);
      return tf.reshape(tf.matMul(pixels, tf.reshape(dy4, [-1, co]), true, false), filterShape);
    }
    const rows = (oh - 1) * sh + fh;
    const cols = (ow - 1) * sw + fw;
    const padded = padOrCrop(x4, padInfo.top, rows - padInfo.top - h, padInfo.left, cols - padInfo.left - w);
    const image = tf.transpose(padded, [3, 1, 2, 0]);
    const kernel = tf.transpose(dy4, [1, 2, 0, 3]);
    const grad = tf.conv2d(image, kernel, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(grad, [1, 2, 0, 3]);
  });
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: WASM,
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
