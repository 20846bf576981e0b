import * as tf from '@tensorflow/tfjs';
import { asTensor, padOrCrop, requireInputs, tidyKernel, WASM } from './kernel-util';

/**
 * dW of a depthwise convolution, as one depthwise convolution: (batch, channel) pairs become the
 * channels of a single image (the padded input), and dy, read as an [outH, outW, N*C, m] filter,
 * slides over it with dilation = the forward stride. Summing the N groups gives [fh, fw, C, m].
 * A forward dilation d > 1 samples that result every d pixels (a strided convolution when the
 * forward stride is 1, a strided slice otherwise: tfjs forbids stride and dilation both > 1).
 */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
  const m = info.outChannels / c;
  const rows = (oh - 1) * sh + (fh - 1) * dh + 1;
  const cols = (ow - 1) * sw + (fw - 1) * dw + 1;
  const { top, left } = info.padInfo;
  const padded = padOrCrop(x, top, rows - top - h, left, cols - left - w);
  const image = tf.reshape(tf.transpose(padded, [1, 2, 0, 3]), [1, rows, cols, n * c]) as tf.Tensor4D;
  const kernel = tf.reshape(tf.transpose(tf.reshape(dy, [n, oh, ow, c, m]), [1, 2, 0, 3, 4]), [
    oh,
    ow,
    n * c,
    m,
  ]) as tf.Tensor4D;
  let grad: tf.Tensor4D;
  if (dh === 1 && dw === 1) {
    grad = tf.depthwiseConv2d(image, kernel, 1, 'valid', 'NHWC', [sh, sw]);
  } else if (sh === 1 && sw === 1) {
    grad = tf.depthwiseConv2d(image, kernel, [dh, dw], 'valid');
  } else {
    const dense = tf.depthwiseConv2d(image, kernel, 1, 'valid', 'NHWC', [sh, sw]);
    grad = tf.stridedSlice(dense, [0, 0, 0, 0], dense.shape, [1, dh, dw, 1]) as tf.Tensor4D;
  }
  return tf.sum(tf.reshape(grad, [fh, fw, n, c, m]), 2);
}

function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = requireInputs(tf.DepthwiseConv2dNativeBackpropFilter, args.inputs, ['x', 'dy']);
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  return tidyKernel(tf.DepthwiseConv2dNativeBackpropFilter, filterShape, () =>
    depthwiseFilterGradient(asTensor(x), asTensor(dy), info),
  );
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
