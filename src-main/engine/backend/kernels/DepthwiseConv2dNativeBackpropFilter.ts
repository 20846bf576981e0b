import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from '../simd/module';
import { asTensor, padOrCrop, requireInputs, tidyKernel, WASM } from './kernel-util';

/**
 * dW of a depthwise convolution (any channel multiplier), as one depthwise convolution: (batch, channel) pairs become the
 * channels of a single image (the padded input), and dy, read as an [outH, outW, N*C, m] filter,
 * slides over it with dilation = the forward stride. Summing the N groups gives [fh, fw, C, m].
 * A forward dilation d > 1 samples that result every d pixels (a strided convolution when the
 * forward stride is 1, a strided slice otherwise: tfjs forbids stride and dilation both > 1).
 */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
  const m = info.outChannels / c;
  const rows = (oh - 1) * sh + (fh - 1) * dh + 1;
  const cols = (ow - 1) * sw + (fw - 1) * dw + 1;
  const { top, left } = info.padInfo;
  const padded = padOrCrop(x, top, rows - top - h, left, cols - left - w);
  const image = tf.reshape(tf.transpose(padded, [1, 2, 0, 3]), [1, rows, cols, n * c]) as tf.Tensor4D;
  const kernel = tf.reshape(tf.transpose(tf.reshape(dy, [n, oh, ow, c, m]), [1, 2, 0, 3, 4]), [
    oh,
    ow,
    n * c,
    m,
  ]) as tf.Tensor4D;
  let grad: tf.Tensor4D;
  if (dh === 1 && dw === 1) {
    grad = tf.depthwiseConv2d(image, kernel, 1, 'valid', 'NHWC', [sh, sw]);
  } else if (sh === 1 && sw === 1) {
    grad = tf.depthwiseConv2d(image, kernel, [dh, dw], 'valid');
  } else {
    const dense = tf.depthwiseConv2d(image, kernel, 1, 'valid', 'NHWC', [sh, sw]);
    grad = tf.stridedSlice(dense, [0, 0, 0, 0], dense.shape, [1, dh, dw, 1]) as tf.Tensor4D;
  }
  return tf.sum(tf.reshape(grad, [fh, fw, n, c, m]), 2);
}

/**
 * dW for channel multiplier 1 as one loop nest on views of the wasm heap:
 * dW[i, j, c] = Σ_{n, y, x} x[n, y·s + i·d − top, x·s + j·d − left, c] · dy[n, y, x, c], taps that
 * fall in the padding skipped. XNNPACK runs the composed version's oh×ow "filter" (up to 28×28
 * taps) as a grouped GEMM with one output channel per group, ~0.4 GMAC/s. This loop (channels
 * innermost, contiguous in NHWC; no SIMD in JavaScript) ran 2–2.5× faster than it for stride 2 or
 * C ≥ 32 and as fast for C = 16, but slower for C = 8 at stride 1 (`useFilterGradientLoop`).
 */
export function depthwiseFilterGradientLoop(
  xs: Float32Array,
  dys: Float32Array,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: fh, filterWidth: fw, padInfo } = info;
  const acc = new Float64Array(fh * fw * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dyAt = ((b * oh + oy) * ow + ox) * c;
        for (let i = 0; i < fh; i++) {
          const y = oy * sh + i * dh - padInfo.top;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < fw; j++) {
            const x = ox * sw + j * dw - padInfo.left;
            if (x < 0 || x >= w) continue;
            const xAt = ((b * h + y) * w + x) * c;
            const accAt = (i * fw + j) * c;
            for (let k = 0; k < c; k++) acc[accAt + k] += xs[xAt + k] * dys[dyAt + k];
          }
        }
      }
    }
  }
  out.set(acc);
}

/** Where the loop beat the composed XNNPACK version (measured, docs/performance.md). */
export function useFilterGradientLoop(info: tf.backend_util.Conv2DInfo): boolean {
  const multiplier = info.outChannels / info.inChannels;
  return multiplier === 1 && (info.strideHeight > 1 || info.strideWidth > 1 || info.inChannels >= 16);
}

function depthwiseConv2dNativeBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: BackendWasm;
}): tf.TensorInfo {
  const { x, dy } = requireInputs(tf.DepthwiseConv2dNativeBackpropFilter, args.inputs, ['x', 'dy']);
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const multiplier = filterShape[3];
  const kernels = multiplier === 1 && info.inChannels % 4 === 0 ? simdKernels(args.backend) : null;
  if (kernels) {
    const { backend } = args;
    const out = backend.makeOutput(filterShape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).fill(0);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const { dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo } = info;
    kernels.depthwiseFilterGradient(
      heapOffset(backend, x.dataId), heapOffset(backend, dy.dataId), heapOffset(backend, out.dataId),
      batchSize, inHeight, inWidth, inChannels, outHeight, outWidth,
      strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth, padInfo.top, padInfo.left,
    );
    return out;
  }
  if (useFilterGradientLoop(info)) {
    const out = args.backend.makeOutput(filterShape, 'float32');
    // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
    const xs = args.backend.typedArrayFromHeap(x) as Float32Array;
    const dys = args.backend.typedArrayFromHeap(dy) as Float32Array;
    depthwiseFilterGradientLoop(xs, dys, args.backend.typedArrayFromHeap(out) as Float32Array, info);
    return out;
  }
  return tidyKernel(tf.DepthwiseConv2dNativeBackpropFilter, filterShape, () =>
    depthwiseFilterGradient(asTensor(x), asTensor(dy), info),
  );
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: WASM,
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc,
};
