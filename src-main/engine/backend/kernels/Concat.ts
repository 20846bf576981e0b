import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM } from './kernel-util';
import { stockKernel } from './stock';

/**
 * Concat on views of the wasm heap, short rows element by element. The stock kernel copies each
 * input row with a subarray; a DARTS cell's output concatenates its nodes along 8–16 channels, i.e.
 * 100 000 subarrays of 8 floats (3 ms per call, 23 calls per step). Strings go to the stock kernel.
 */
/**
 * A concat as row copies: `rows` rows of the output, each the inputs' rows of `widths` elements side
 * by side (`outWidth` in all); empty inputs left out. Shared with the native kernel (native/copy-kernels.ts).
 */
export function concatLayout(all: tf.TensorInfo[], attrs: tf.NamedAttrMap | undefined) {
  const axis = tf.util.parseAxisParam((attrs as unknown as tf.ConcatAttrs).axis, all[0].shape)[0];
  tf.backend_util.assertParamsConsistent(all.map((t) => t.shape), axis);
  const outShape = tf.backend_util.computeOutShape(all.map((t) => t.shape), axis);
  const inputs = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  const rows = inputs.length === 0 ? 0 : tf.util.sizeFromShape(inputs[0].shape.slice(0, axis));
  const widths = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  return { outShape, inputs, rows, widths, outWidth: widths.reduce((a, b) => a + b, 0) };
}

function concat(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const all = Object.values(args.inputs) as tf.TensorInfo[];
  if (all.length === 0 || all[0].dtype === 'string') return stockKernel(tf.Concat).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const { backend } = args;
  const { outShape, inputs, rows, widths, outWidth } = concatLayout(all, args.attrs);
  const out = backend.makeOutput(outShape, all[0].dtype);
  if (inputs.length === 0) return out;
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const dst = backend.typedArrayFromHeap(out);
  let column = 0;
  inputs.forEach((input, i) => {
    const src = backend.typedArrayFromHeap(input);
    const width = widths[i];
    for (let r = 0, from = 0, to = column; r < rows; r++, from += width, to += outWidth) {
      if (width >= 64) dst.set(src.subarray(from, from + width), to);
      else for (let k = 0; k < width; k++) dst[to + k] = src[from + k];
    }
    column += width;
  });
  return out;
}

export const concatConfig: tf.KernelConfig = {
  kernelName: tf.Concat,
  backendName: WASM,
  kernelFunc: concat as unknown as tf.KernelFunc,
};
