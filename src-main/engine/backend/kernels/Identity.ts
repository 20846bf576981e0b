import * as tf from '@tensorflow/tfjs';
import { requireInputs, WASM } from './kernel-util';

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
