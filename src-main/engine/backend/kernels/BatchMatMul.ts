import * as tf from '@tensorflow/tfjs';
import { asTensor, requireInputs, tidyKernel, WASM } from './kernel-util';
import { stockKernel } from './stock';

/**
 * The stock kernel is fast (XNNPACK) only without transposes: with transposeA/B it falls back to
 * scalar code (512³: 248 ms against 8 ms), and every matMul gradient asks for a transpose. So the
 * transposed operand is materialised by the native Transpose kernel first.
 */
function batchMatMul(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}): tf.TensorInfo {
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (!transposeA && !transposeB) {
    return stockKernel(tf.BatchMatMul).kernelFunc(args) as tf.TensorInfo;
  }
  const { a, b } = requireInputs(tf.BatchMatMul, args.inputs, ['a', 'b']);
  const swapLastTwo = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const aOuter = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const bOuter = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return tidyKernel(tf.BatchMatMul, [...batch, aOuter, bOuter], () => {
    const aT = transposeA ? tf.transpose(asTensor(a), swapLastTwo(a.shape.length)) : asTensor(a);
    const bT = transposeB ? tf.transpose(asTensor(b), swapLastTwo(b.shape.length)) : asTensor(b);
    return tf.matMul(aT, bT);
  });
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: WASM,
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
