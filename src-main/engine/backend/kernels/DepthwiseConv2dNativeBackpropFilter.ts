import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { channelGroups, filterGradientModule, groupFunctionName, maxGroupVectors, type FilterGradientGeometry } from '../simd/depthwise-filter-bodies';
import { generatedKernels } from '../simd/generated';
import { floatIndex, heapFloats } from './batch-norm-rows';
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

/** Output pixels per float32 partial sum (rounds like ~10^3 terms); the partial sums are added in float64. */
const BLOCK_PIXELS = 1024;

type GroupFunction = (x: number, dy: number, acc: number, images: number, rows: number) => void;

/**
 * dW for channel multiplier 1 and C a multiple of 4 by the generated SIMD kernels
 * (simd/depthwise-filter-bodies.ts): in blocks of whole images or of output rows (about BLOCK_PIXELS
 * pixels), one call per tap row (its output rows whose input row is inside the image) and channel
 * group, each call's float32 sums added into float64 totals. Null when the kernels are not available (no wasm
 * SIMD, C not a multiple of 4, a filter too wide for the registers).
 */
export function simdFilterGradient(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  if (ch % 4 !== 0 || maxGroupVectors(fw) === 0) return null;
  const geometry: FilterGradientGeometry = {
    channels: ch, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow,
    strideHeight: sh, strideWidth: sw, dilationWidth: dw, filterWidth: fw, left: padInfo.left,
  };
  const { key, build } = filterGradientModule(geometry);
  const kernels = generatedKernels<Record<string, GroupFunction>>(backend, key, build);
  if (kernels === null) return null;
  const out = backend.makeOutput([fh, fw, ch, 1], 'float32');
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const heap = heapFloats(backend);
  const [xAt, dyAt, outAt] = [floatIndex(backend, x), floatIndex(backend, dy), floatIndex(backend, out)];
  const totals = new Float64Array(fh * fw * ch);
  const groups = channelGroups(ch, fw).map(([first, vectors]) => ({ first, vectors, run: kernels[groupFunctionName(vectors)] }));
  // Output rows [oyLo, oyHi) of tap row i read input rows inside the image.
  const tapRows = Array.from({ length: fh }, (_, i) => ({
    i,
    oyLo: Math.max(0, Math.ceil((padInfo.top - i * dh) / sh)),
    oyHi: Math.min(oh, Math.floor((h - 1 + padInfo.top - i * dh) / sh) + 1),
  }));
  const rowsPerBlock = Math.max(1, Math.min(oh, Math.floor(BLOCK_PIXELS / ow)));
  const imagesPerBlock = rowsPerBlock < oh ? 1 : Math.max(1, Math.floor(BLOCK_PIXELS / (oh * ow)));
  // Every tap row and channel group of a block of images × output rows in turn, while its x and dy are in cache.
  for (let b = 0; b < n; b += imagesPerBlock) {
    const images = Math.min(imagesPerBlock, n - b);
    for (let r0 = 0; r0 < oh; r0 += rowsPerBlock) {
      for (const { i, oyLo, oyHi } of tapRows) {
        const first = Math.max(oyLo, r0);
        const rows = Math.min(oyHi, r0 + rowsPerBlock) - first;
        if (rows <= 0) continue;
        const y = first * sh + i * dh - padInfo.top;
        for (const group of groups) {
          const channel = 4 * group.first;
          const accAt = outAt + i * fw * ch + channel;
          group.run(4 * (xAt + (b * h + y) * w * ch + channel), 4 * (dyAt + (b * oh + first) * ow * ch + channel), 4 * accAt, images, rows);
          for (let j = 0; j < fw; j++) {
            for (let k = 0; k < 4 * group.vectors; k++) totals[accAt - outAt + j * ch + k] += heap[accAt + j * ch + k];
          }
        }
      }
    }
  }
  heap.set(totals, outAt);
  return out;
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
  const simd = filterShape[3] === 1 && x.dtype === 'float32' && dy.dtype === 'float32' ? simdFilterGradient(args.backend, x, dy, info) : null;
  if (simd) return simd;
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
