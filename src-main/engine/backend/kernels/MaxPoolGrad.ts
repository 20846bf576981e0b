import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireInputs, WASM } from './kernel-util';
import { maxPoolGradKernels, poolGeometry } from '../simd/max-pool-grad-bodies';
import { heapOffset } from '../simd/module';

/**
 * Max pooling's gradient: each window's first maximum (strict '>' in row-major window order, tfjs's
 * tie rule) gets the window's dy. Channels a multiple of 4: two generated SIMD passes (winner index
 * per window, then a gather per input pixel; simd/max-pool-grad-bodies.ts). Else one JS pass over
 * the windows on views of the heap. The stock kernel visits every window of every input pixel again
 * (3–14 ms per 131k floats).
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
  if (tf.util.sizeFromShape(input.shape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) return dx;
  const geometry = poolGeometry(info);
  const kernels = info.inChannels % 4 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1 ? maxPoolGradKernels(backend, geometry) : null;
  const xAt = heapOffset(backend, input.dataId);
  // The winners pass addresses each row from `left` columns before it (see maxPoolGradKernels).
  if (kernels !== null && xAt >= geometry.left * geometry.channels * 4) {
    const winners = backend.makeOutput(dy.shape, 'int32');
    kernels.winners(xAt, heapOffset(backend, winners.dataId), info.batchSize);
    kernels.gather(heapOffset(backend, winners.dataId), heapOffset(backend, dy.dataId), heapOffset(backend, dx.dataId), info.batchSize);
    backend.disposeData(winners.dataId);
    return dx;
  }
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
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
