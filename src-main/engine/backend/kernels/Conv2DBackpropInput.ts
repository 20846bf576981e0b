import * as tf from '@tensorflow/tfjs';
import { asTensor, requireChannelsLast, requireInputs, stuffForInputGradient, tidyKernel, WASM } from './kernel-util';

/**
 * dx of a convolution: a stride-1 XNNPACK convolution (padding on the fly) of zero-stuffed dy with the filter
 * flipped in space and with its channel axes swapped ([fh, fw, Co, Ci]). Replaces the stock wasm
 * kernel, a scalar loop.
 */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
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
