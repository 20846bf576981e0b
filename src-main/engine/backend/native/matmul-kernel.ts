import * as tf from '@tensorflow/tfjs';
import { nativeThreads, type NativeAddon } from './addon';
import { allFloat32, elementCount, fallbackTo, heapOf, inputsOf, offsetOf, type KernelFn } from './heap';

/** BatchMatMul for every transpose; a batch of 1 on either side broadcasts. */
export function batchMatMulKernel(addon: NativeAddon, previous: tf.KernelConfig | undefined): KernelFn {
  const fallback = fallbackTo(tf.BatchMatMul, previous);
  return (args) => {
    const [a, b] = inputsOf(tf.BatchMatMul, args, ['a', 'b']);
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    // Untransposed products are XNNPACK's strength (docs/native.md); the transposed ones run scalar there.
    const xnnpackCase = !transposeA && !transposeB && previous !== undefined;
    if (xnnpackCase || !allFloat32(a, b) || ra < 2 || rb < 2) return fallback(args);
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== kb) {
      throw new Error(`BatchMatMul: inner sizes ${k} and ${kb} of shapes [${a.shape}] and [${b.shape}] differ (transposeA=${transposeA}, transposeB=${transposeB})`);
    }
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = elementCount(outerA);
    const batchB = elementCount(outerB);
    // Broadcasting beyond "equal shapes or one side a single matrix" stays with the wasm kernel.
    if (!(batchA === 1 || batchB === 1 || tf.util.arraysEqual(outerA, outerB))) return fallback(args);
    const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const outShape = [...outer, m, n];
    const out = args.backend.makeOutput(outShape, 'float32');
    if (elementCount(outShape) === 0) return out;
    if (k === 0) {
      // An empty inner dimension sums nothing: zeros (makeOutput does not clear the heap).
      args.backend.typedArrayFromHeap(out).fill(0);
      return out;
    }
    addon.batchMatMul(
      heapOf(args.backend),
      nativeThreads(),
      offsetOf(args.backend, a),
      offsetOf(args.backend, b),
      offsetOf(args.backend, out),
      batchA,
      batchB,
      m,
      k,
      n,
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
    );
    return out;
  };
}
