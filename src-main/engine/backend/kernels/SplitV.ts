import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireInputs, WASM } from './kernel-util';
import { sliceConfig } from './Slice';

/**
 * SplitV as our Slice kernel per piece. The stock kernel calls the stock slice directly (not the
 * registered kernel), which copies a channel split of NHWC row by row with a subarray each:
 * 1.7 ms per call in the DARTS step, where the gradient of every cell's channel concat is a SplitV.
 */
function splitV(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo[] {
  const { x } = requireInputs(tf.SplitV, args.inputs, ['x']);
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const along = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, along);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[along] = s;
    const piece = sliceConfig.kernelFunc({ inputs: { x }, attrs: { begin: [...begin], size }, backend: args.backend }) as tf.TensorInfo;
    begin[along] += s;
    return piece;
  });
}

export const splitVConfig: tf.KernelConfig = {
  kernelName: tf.SplitV,
  backendName: WASM,
  kernelFunc: splitV as unknown as tf.KernelFunc,
};
