import * as tf from '@tensorflow/tfjs';
import { asTensor, padOrCrop, requireChannelsLast, requireInputs, tidyKernel, WASM } from './kernel-util';

/**
 * dW of a convolution as one convolution: the padded input transposed to [Ci, H, W, N] (input
 * channels as the batch, the batch as channels) convolved with dy read as an [outH, outW, N, Co]
 * filter, dilated by the forward stride, gives [Ci, fh, fw, Co]. A 1×1 stride-1 unpadded
 * convolution is a plain matMul over all pixels.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
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
  return tidyKernel(tf.Conv2DBackpropFilter, filterShape, () => {
    const x4 = asTensor<tf.Rank.R4>(x);
    const dy4 = asTensor<tf.Rank.R4>(dy);
    const [, h, w] = x4.shape;
    const unpadded = padInfo.top === 0 && padInfo.left === 0 && oh === h && ow === w;
    if (fh === 1 && fw === 1 && sh === 1 && sw === 1 && unpadded) {
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
