import type * as tf from '@tensorflow/tfjs';

/**
 * The geometry of one generated depthwise correlation, per spatial axis: which filter taps feed an
 * output position and at which source position. The forward convolution and its input gradient
 * (any stride) are the same correlation with different tap lists, so one generator serves both.
 *
 * Along an axis, output position `outStride·q + phase` reads source position `q·step + offset` for
 * each (tap, offset) of that phase, taps whose source position falls outside [0, srcSize) skipped.
 */
export interface AxisPhase {
  taps: ReadonlyArray<{ tap: number; offset: number }>;
  /** Output positions of this phase: q = 0 … count − 1. */
  count: number;
}

export interface Axis {
  srcSize: number;
  outSize: number;
  step: number;
  outStride: number;
  phases: readonly AxisPhase[];
}

export interface DepthwiseGeometry {
  channels: number;
  filterHeight: number;
  filterWidth: number;
  rows: Axis;
  cols: Axis;
}

export type DepthwisePass = 'forward' | 'inputGradient';

/** The correlation computing `pass` of the depthwise convolution `info` (multiplier 1). */
export function geometryOf(pass: DepthwisePass, info: tf.backend_util.Conv2DInfo): DepthwiseGeometry {
  const { filterHeight: fh, filterWidth: fw, padInfo } = info;
  const axis = pass === 'forward' ? forwardAxis : inputGradientAxis;
  const [rowsIn, rowsOut] = pass === 'forward' ? [info.inHeight, info.outHeight] : [info.outHeight, info.inHeight];
  const [colsIn, colsOut] = pass === 'forward' ? [info.inWidth, info.outWidth] : [info.outWidth, info.inWidth];
  return {
    channels: info.inChannels,
    filterHeight: fh,
    filterWidth: fw,
    rows: axis(rowsIn, rowsOut, fh, info.strideHeight, info.dilationHeight, padInfo.top),
    cols: axis(colsIn, colsOut, fw, info.strideWidth, info.dilationWidth, padInfo.left),
  };
}

/** Everything `geometryOf` reads from `info`, as a short cache key. */
export function geometryKey(pass: DepthwisePass, info: tf.backend_util.Conv2DInfo): string {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, padInfo } = info;
  return `${pass}:${info.inChannels}:${inHeight}x${inWidth}>${outHeight}x${outWidth}:${filterHeight}x${filterWidth}:s${info.strideHeight},${info.strideWidth}:d${info.dilationHeight},${info.dilationWidth}:p${padInfo.top},${padInfo.left}`;
}

/** The forward convolution: out[q] = Σ_t src[q·stride + t·dilation − pad] · f[t]. */
export function forwardAxis(srcSize: number, outSize: number, taps: number, stride: number, dilation: number, pad: number): Axis {
  const list = Array.from({ length: taps }, (_, t) => ({ tap: t, offset: t * dilation - pad }));
  return { srcSize, outSize, step: stride, outStride: 1, phases: [{ taps: list, count: outSize }] };
}

/**
 * The input gradient: dx[y] = Σ_t dy[(y + pad − t·dilation) / stride] · f[t] over the taps where the
 * division is exact. Output position y = stride·q + phase takes, per phase, the fixed tap subset with
 * (phase + pad − t·dilation) ≡ 0 (mod stride), at dy position q + (phase + pad − t·dilation) / stride:
 * no zero-stuffed dy, no reversed filter (at stride 1 the offsets simply run backwards).
 */
export function inputGradientAxis(dySize: number, xSize: number, taps: number, stride: number, dilation: number, pad: number): Axis {
  const phases = Array.from({ length: stride }, (_, phase) => {
    const list: Array<{ tap: number; offset: number }> = [];
    for (let t = 0; t < taps; t++) {
      const shift = phase + pad - t * dilation;
      if (((shift % stride) + stride) % stride === 0) list.push({ tap: t, offset: shift / stride });
    }
    return { taps: list, count: Math.max(0, Math.ceil((xSize - phase) / stride)) };
  });
  return { srcSize: dySize, outSize: xSize, step: 1, outStride: stride, phases };
}

/** The smallest source offset of any tap of the axis (0 when none is negative). */
export function minOffset(axis: Axis): number {
  return Math.min(0, ...axis.phases.flatMap((p) => p.taps.map((t) => t.offset)));
}

/**
 * One channel vector (f32x4) and up to 8 output pixels per register block: the block's accumulators,
 * one tap row's filter vectors and the input vector in flight stay within x64's 16 vector registers
 * (at most 14 of them). Measured (docs/simd-kernels.md): a single channel vector with 4–8 pixels
 * beat 2 or 4 vectors × fewer pixels by 1.2–1.5×, because one input vector then feeds up to fw
 * accumulators without reloading.
 */
export function blockPixels(filterWidth: number): number {
  return Math.max(1, Math.min(8, 13 - filterWidth));
}
