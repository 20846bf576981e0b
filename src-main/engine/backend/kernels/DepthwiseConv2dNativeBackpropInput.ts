import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runGeneratedDepthwise, simdDepthwiseApplies } from './DepthwiseConv2dNative';
import { asTensor, requireInputs, stuffForInputGradient, tidyKernel, WASM } from './kernel-util';

/**
 * dx of a depthwise convolution, composed (the path for what the generated SIMD kernel does not take:
 * multiplier > 1, C % 4 ≠ 0, no wasm SIMD): a depthwise convolution (native XNNPACK, dilated like the forward
 * one, padding on the fly) of zero-stuffed dy with the flipped filter. A channel multiplier m > 1 convolves the
 * C*m dy channels one by one and sums each group of m.
 */
export function depthwiseInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D {
  const [fh, fw, c, m] = filter.shape;
  const { stuffed, pad } = stuffForInputGradient(dy, info);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [fh, fw, c * m, 1]);
  const dx = tf.depthwiseConv2d(stuffed, flipped as tf.Tensor4D, 1, pad, 'NHWC', [
    info.dilationHeight,
    info.dilationWidth,
  ]);
  if (m === 1) return dx;
  const [n, h, w] = dx.shape;
  return tf.sum(tf.reshape(dx, [n, h, w, c, m]), 4);
}

/**
 * dx for multiplier 1 and C a multiple of 4: the generated SIMD correlation read backwards
 * (simd/depthwise-plan.ts `inputGradientAxis`): per input row and column parity a fixed subset of
 * taps reads dy in place, so neither a zero-stuffed dy nor a reversed filter is made.
 */
function simdInputGradient(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  if (!simdDepthwiseApplies(dy, filter, info)) return null;
  return runGeneratedDepthwise(backend, 'inputGradient', dy, filter, [info.batchSize, info.inHeight, info.inWidth, info.inChannels], info);
}

function depthwiseConv2dNativeBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: BackendWasm;
}): tf.TensorInfo {
  const { dy, filter } = requireInputs(tf.DepthwiseConv2dNativeBackpropInput, args.inputs, ['dy', 'filter']);
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const simd = simdInputGradient(args.backend, dy, filter, info);
  if (simd !== null) return simd;
  return tidyKernel(tf.DepthwiseConv2dNativeBackpropInput, inputShape, () =>
    depthwiseInputGradient(asTensor(dy), asTensor(filter), info),
  );
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc,
};
