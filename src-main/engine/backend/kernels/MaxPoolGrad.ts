import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireInputs, WASM } from './kernel-util';
import { heapOffset, simdKernels } from '../simd/module';

/**
 * One pass over the pooling windows on views of the wasm heap: each window finds its first maximum
 * (strict '>' in row-major window order, tfjs's tie rule) and adds its dy there. The innermost loop
 * runs along channels, which are contiguous in NHWC. The stock kernel visits every window of every
 * input pixel again (3–14 ms per 131k floats).
 */
function maxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: BackendWasm;
}): tf.TensorInfo {
  const { dy, input } = requireInputs(tf.MaxPoolGrad, args.inputs, ['dy', 'input']);
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const { backend } = args;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dx = backend.makeOutput(input.shape, 'float32');
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  const kernels = info.inChannels % 4 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1 ? simdKernels(backend) : null;
  if (kernels) {
    kernels.maxPoolGrad(
      heapOffset(backend, input.dataId), heapOffset(backend, dy.dataId), heapOffset(backend, dx.dataId),
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
      info.strideHeight, info.strideWidth, info.filterHeight, info.filterWidth, info.padInfo.top, info.padInfo.left,
    );
    return dx;
  }
  const xs = backend.typedArrayFromHeap(input) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const best = new Float32Array(c);
  const bestAt = new Int32Array(c);
  let dyAt = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padInfo.top;
      const yMin = Math.max(0, y0);
      const yMax = Math.min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padInfo.left;
        const xMin = Math.max(0, x0);
        const xMax = Math.min(w, x0 + fw);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let y = yMin; y < yMax; y++) {
          for (let x = xMin; x < xMax; x++) {
            const base = ((n * h + y) * w + x) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = xs[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                bestAt[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          if (bestAt[ch] >= 0) dxs[bestAt[ch]] += dys[dyAt + ch];
        }
        dyAt += c;
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: WASM,
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
