import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset } from '../simd/module';
import { pointwiseConvKernel, pointwiseSupported } from '../simd/pointwise-conv';
import { requireInputs, WASM } from './kernel-util';
import { stockKernel } from './stock';

/**
 * out[p, :] = Σ_i x[p, i] · W[i, :] over all pixels of x (NHWC, last axis Ci) with the generated
 * SIMD kernel; W [Ci, Co] as stored, or with `transposed` W given as [Co, Ci] and read transposed
 * (the 1×1 input gradient, dy · Wᵀ): its Co·Ci floats are transposed on the heap first, a few
 * microseconds, no Transpose kernel. Null when the kernel does not take the shape or the engine
 * has no SIMD; the caller then composes tf ops.
 */
export function pointwiseProduct(backend: BackendWasm, x: tf.TensorInfo, w: tf.TensorInfo, outShape: number[], transposed: boolean): tf.TensorInfo | null {
  const ci = x.shape[x.shape.length - 1];
  const co = outShape[outShape.length - 1];
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || tf.util.sizeFromShape(w.shape) !== ci * co || !pointwiseSupported(ci, co)) return null;
  const kernel = pointwiseConvKernel(backend, ci, co);
  if (kernel === null) return null;
  const out = backend.makeOutput(outShape, 'float32');
  let weights = w;
  if (transposed) {
    weights = backend.makeOutput([ci, co], 'float32');
    // Views after both allocations: a growing heap replaces its ArrayBuffer.
    const src = backend.typedArrayFromHeap(w);
    const dst = backend.typedArrayFromHeap(weights);
    for (let i = 0; i < ci; i++) for (let k = 0; k < co; k++) dst[i * co + k] = src[k * ci + i];
  }
  const pixels = tf.util.sizeFromShape(x.shape) / ci;
  if (pixels > 0) kernel.run(heapOffset(backend, x.dataId), heapOffset(backend, weights.dataId), heapOffset(backend, out.dataId), pixels);
  if (transposed) backend.disposeData(weights.dataId);
  return out;
}

/**
 * Conv2D: 1×1, stride 1, unpadded, float32 NHWC with Ci a multiple of 4 and Co of 8 runs the
 * generated SIMD kernel (faster than XNNPACK on every shape of the DARTS step, docs/backend.md);
 * everything else goes to the stock kernel (XNNPACK).
 */
function conv2D(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const { x, filter } = requireInputs(tf.Conv2D, args.inputs, ['x', 'filter']);
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
  const channelsLast = dataFormat === undefined || dataFormat === 'NHWC';
  if (channelsLast && x.shape.length === 4 && filter.shape.length === 4 && filter.shape[0] === 1 && filter.shape[1] === 1) {
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode);
    const { padInfo } = info;
    const unpadded = padInfo.top === 0 && padInfo.bottom === 0 && padInfo.left === 0 && padInfo.right === 0;
    if (unpadded && info.strideHeight === 1 && info.strideWidth === 1) {
      const out = pointwiseProduct(args.backend, x, filter, info.outShape, false);
      if (out !== null) return out;
    }
  }
  return stockKernel(tf.Conv2D).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

export const conv2DConfig: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: WASM,
  kernelFunc: conv2D as unknown as tf.KernelFunc,
};
