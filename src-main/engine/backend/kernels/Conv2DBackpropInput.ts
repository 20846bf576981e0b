import * as tf from '@tensorflow/tfjs';
import { asTensor, requireChannelsLast, requireInputs, stuffAndPadForInputGradient, tidyKernel, WASM } from './kernel-util';

/**
 * dx of a convolution: a stride-1 XNNPACK convolution of zero-stuffed, padded dy with the filter
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
    const padded = stuffAndPadForInputGradient(asTensor(dy), info);
    const flipped = tf.transpose(tf.reverse(asTensor<tf.Rank.R4>(filter), [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: WASM,
  kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc,
};
