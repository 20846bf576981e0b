import * as tf from '@tensorflow/tfjs';
import { requireInputs, WASM } from './kernel-util';
import { stockKernel } from './stock';

/**
 * Shares the input's buffer and counts one more reference, as the wasm Reshape kernel and the cpu
 * backend's Identity do; the stock wasm Identity copies, and tfjs clones every tensor it saves for
 * a gradient. Safe because no kernel writes into its inputs (a Variable's assign swaps buffers).
 */
function identity(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { x } = requireInputs(tf.Identity, args.inputs, ['x']);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: WASM,
  kernelFunc: identity as unknown as tf.KernelFunc,
};

/**
 * Cast to the tensor's own dtype shares the buffer like Identity (the cpu backend's Cast does the
 * same); the stock wasm Cast copies, ~1000 times per supernet step (tfjs's Div gradient casts both
 * operands to float32). Other casts go to the stock kernel.
 */
function cast(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const { x } = requireInputs(tf.Cast, args.inputs, ['x']);
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (dtype !== x.dtype) return stockKernel(tf.Cast).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  return identity(args);
}

export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: WASM,
  kernelFunc: cast as unknown as tf.KernelFunc,
};
