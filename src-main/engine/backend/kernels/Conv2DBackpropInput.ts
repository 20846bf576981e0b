import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { pointwiseProduct } from './Conv2D';
import { asTensor, requireChannelsLast, requireInputs, stuffForInputGradient, tidyKernel, WASM } from './kernel-util';

/**
 * dx of an unpadded 1×1 convolution with stride s: dy · Wᵀ by the generated SIMD kernel (W read
 * transposed), written to every s-th row and column of a zeroed dx (s = 1: dx itself). Null when
 * the kernel does not take the shape.
 */
function pointwiseInputGradient(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  if (sh === 1 && sw === 1) return pointwiseProduct(backend, dy, filter, [n, h, w, ci], true);
  const product = pointwiseProduct(backend, dy, filter, [n, oh, ow, ci], true);
  if (product === null) return null;
  const dx = backend.makeOutput([n, h, w, ci], 'float32');
  // Views after the allocation: a growing heap replaces its ArrayBuffer.
  const src = backend.typedArrayFromHeap(product);
  const dst = backend.typedArrayFromHeap(dx);
  dst.fill(0);
  // Runs of Ci floats: element copies (a subarray per run costs more than the copy).
  for (let b = 0, from = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const to = ((b * h + y * sh) * w + x * sw) * ci;
        for (let k = 0; k < ci; k++) dst[to + k] = src[from++];
      }
    }
  }
  backend.disposeData(product.dataId);
  return dx;
}

/**
 * dx of a convolution: an unpadded 1×1 one as dy · Wᵀ (above); otherwise a stride-1 XNNPACK
 * convolution (padding on the fly) of zero-stuffed dy with the filter flipped in space and with its
 * channel axes swapped ([fh, fw, Co, Ci]). Replaces the stock wasm kernel, a scalar loop.
 */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const { dy, filter } = requireInputs(tf.Conv2DBackpropInput, args.inputs, ['dy', 'filter']);
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  requireChannelsLast(tf.Conv2DBackpropInput, dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { padInfo } = info;
  const unpadded = padInfo.top === 0 && padInfo.bottom === 0 && padInfo.left === 0 && padInfo.right === 0;
  if (info.filterHeight === 1 && info.filterWidth === 1 && unpadded) {
    const dx = pointwiseInputGradient(args.backend, dy, filter, info);
    if (dx !== null) return dx;
  }
  return tidyKernel(tf.Conv2DBackpropInput, inputShape, () => {
    const { stuffed, pad } = stuffForInputGradient(asTensor(dy), info);
    const f = asTensor<tf.Rank.R4>(filter);
    // A 1×1 filter is its own spatial flip.
    const spatiallyFlipped = info.filterHeight === 1 && info.filterWidth === 1 ? f : tf.reverse(f, [0, 1]);
    return tf.conv2d(stuffed, tf.transpose(spatiallyFlipped, [0, 1, 3, 2]), 1, pad);
  });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: WASM,
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
