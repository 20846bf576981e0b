import * as tf from '@tensorflow/tfjs';
import { depthwiseInputGradient } from './DepthwiseConv2dNativeBackpropInput';
import { asTensor, requireInputs, tidyKernel, WASM } from './kernel-util';

/**
 * dx of average pooling is the input gradient of a depthwise convolution whose filter is 1/(fh·fw)
 * everywhere: one XNNPACK depthwise convolution of zero-stuffed dy. Like tfjs's own kernels (cpu
 * and wasm) this divides by the full window at 'same' borders; a pooling that excludes padding
 * (DARTS's count_include_pad=False) needs its own gradient.
 */
function avgPoolGrad(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = requireInputs(tf.AvgPoolGrad, args.inputs, ['dy', 'input']);
  const { filterSize, strides, pad } = args.attrs as unknown as tf.AvgPoolGradAttrs;
  const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
  const channels = input.shape[3];
  const info = tf.backend_util.computeConv2DInfo(
    input.shape as [number, number, number, number],
    [fh, fw, channels, 1],
    strides,
    1,
    pad,
    undefined,
    true,
  );
  return tidyKernel(tf.AvgPoolGrad, input.shape, () => {
    const filter = tf.fill([fh, fw, channels, 1], 1 / (fh * fw)) as tf.Tensor4D;
    return depthwiseInputGradient(asTensor(dy), filter, info);
  });
}

export const avgPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.AvgPoolGrad,
  backendName: WASM,
  kernelFunc: avgPoolGrad as unknown as tf.KernelFunc,
};
