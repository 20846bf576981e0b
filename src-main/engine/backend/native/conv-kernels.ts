import * as tf from '@tensorflow/tfjs';
import { depthwiseConv2dNativeConfig, simdDepthwiseApplies } from '../kernels/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropInputConfig } from '../kernels/DepthwiseConv2dNativeBackpropInput';
import { nativeThreads, type NativeAddon } from './addon';
import {
  allFloat32,
  elementCount,
  fallbackTo,
  geometryOf,
  heapOf,
  inputsOf,
  offsetOf,
  type KernelFn,
  type WasmKernelArgs,
} from './heap';

type Shape4 = [number, number, number, number];
type Conv2DAttrs = tf.Conv2DAttrs & { dataFormat?: string };

function channelsLast(dataFormat: string | undefined): boolean {
  return dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
}

function dilationsOf(dilations: number | [number, number] | undefined): number | [number, number] {
  return dilations ?? 1;
}

/** Runs one geometry kernel of the addon: allocate the output, then hand over the heap. */
function runNative(
  backend: WasmKernelArgs['backend'],
  outShape: number[],
  call: (heap: ArrayBuffer, out: number) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  if (elementCount(outShape) > 0) call(heapOf(backend), offsetOf(backend, out));
  return out;
}

/** The geometries native/src/depthwise.cc runs register-blocked (built with AVX2/FMA, as -march=native gives here). */
function depthwiseFastPath(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.inChannels % 8 === 0 &&
    (info.filterWidth === 3 || info.filterWidth === 5) &&
    info.filterHeight <= 16 &&
    (info.dilationWidth === 1 || info.dilationWidth === 2) &&
    (info.strideWidth === 1 || info.strideWidth === 2) &&
    info.strideHeight === info.strideWidth
  );
}

/** Unpadded 1×1 convolutions with channel counts in multiples of 8: native/src/conv.cc's register tiles. */
function pointwiseFastPath(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.inChannels % 8 === 0 &&
    info.outChannels % 8 === 0 &&
    info.strideHeight === info.strideWidth
  );
}

export function depthwiseKernels(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const forwardPrevious = previous(tf.DepthwiseConv2dNative);
  const forwardFallback = fallbackTo(tf.DepthwiseConv2dNative, forwardPrevious);
  const inputPrevious = previous(tf.DepthwiseConv2dNativeBackpropInput);
  const inputFallback = fallbackTo(tf.DepthwiseConv2dNativeBackpropInput, inputPrevious);
  // The generated wasm SIMD correlations (kernels/DepthwiseConv2dNative.ts) beat these loops at
  // most of the step's shapes, up to 3.7× on the stride-2 input gradient (docs/native.md): where
  // they are what sits below and they take the inputs, they run. The filter gradient stays native.
  const generatedForward = forwardPrevious === depthwiseConv2dNativeConfig;
  const generatedInput = inputPrevious === depthwiseConv2dNativeBackpropInputConfig;
  const filterFallback = fallbackTo(tf.DepthwiseConv2dNativeBackpropFilter, previous(tf.DepthwiseConv2dNativeBackpropFilter));
  return {
    [tf.DepthwiseConv2dNative]: (args) => {
      const [x, filter] = inputsOf(tf.DepthwiseConv2dNative, args, ['x', 'filter']);
      const a = args.attrs as unknown as tf.DepthwiseConv2dNativeAttrs;
      if (!allFloat32(x, filter) || filter.shape[3] !== 1) return forwardFallback(args);
      const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, a.strides, dilationsOf(a.dilations), a.pad, a.dimRoundingMode, true);
      if (generatedForward && simdDepthwiseApplies(x, filter, info)) return forwardFallback(args);
      // XNNPACK beats the plain native loops on undilated windows up to 3×3; the AVX2 path beats it (docs/native.md).
      const small = info.filterHeight * info.filterWidth <= 9 && info.dilationHeight === 1 && info.dilationWidth === 1;
      if (small && !depthwiseFastPath(info) && forwardPrevious !== undefined) return forwardFallback(args);
      return runNative(args.backend, info.outShape, (heap, out) =>
        addon.depthwiseForward(heap, nativeThreads(), offsetOf(args.backend, x), offsetOf(args.backend, filter), out, ...geometryOf(info)),
      );
    },
    [tf.DepthwiseConv2dNativeBackpropInput]: (args) => {
      const [dy, filter] = inputsOf(tf.DepthwiseConv2dNativeBackpropInput, args, ['dy', 'filter']);
      const a = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
      if (!allFloat32(dy, filter) || filter.shape[3] !== 1) return inputFallback(args);
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
      if (generatedInput && simdDepthwiseApplies(dy, filter, info)) return inputFallback(args);
      return runNative(args.backend, a.inputShape, (heap, out) =>
        addon.depthwiseBackpropInput(heap, nativeThreads(), offsetOf(args.backend, dy), offsetOf(args.backend, filter), out, ...geometryOf(info)),
      );
    },
    [tf.DepthwiseConv2dNativeBackpropFilter]: (args) => {
      const [x, dy] = inputsOf(tf.DepthwiseConv2dNativeBackpropFilter, args, ['x', 'dy']);
      const a = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      if (!allFloat32(x, dy) || a.filterShape[3] !== 1) return filterFallback(args);
      const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
      return runNative(args.backend, a.filterShape, (heap, out) =>
        addon.depthwiseBackpropFilter(heap, nativeThreads(), offsetOf(args.backend, x), offsetOf(args.backend, dy), out, ...geometryOf(info)),
      );
    },
  };
}

export function convKernels(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const forwardPrevious = previous(tf.Conv2D);
  const forwardFallback = fallbackTo(tf.Conv2D, forwardPrevious);
  const inputFallback = fallbackTo(tf.Conv2DBackpropInput, previous(tf.Conv2DBackpropInput));
  const filterFallback = fallbackTo(tf.Conv2DBackpropFilter, previous(tf.Conv2DBackpropFilter));
  return {
    [tf.Conv2D]: (args) => {
      const [x, filter] = inputsOf(tf.Conv2D, args, ['x', 'filter']);
      const a = args.attrs as unknown as Conv2DAttrs;
      if (!allFloat32(x, filter) || !channelsLast(a.dataFormat)) return forwardFallback(args);
      const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, a.strides, dilationsOf(a.dilations), a.pad, a.dimRoundingMode);
      // XNNPACK is 2–5× faster than the plain native loops; the 1×1 register tiles beat it.
      if (!pointwiseFastPath(info) && forwardPrevious !== undefined) return forwardFallback(args);
      return runNative(args.backend, info.outShape, (heap, out) =>
        addon.conv2dForward(heap, nativeThreads(), offsetOf(args.backend, x), offsetOf(args.backend, filter), out, ...geometryOf(info)),
      );
    },
    [tf.Conv2DBackpropInput]: (args) => {
      const [dy, filter] = inputsOf(tf.Conv2DBackpropInput, args, ['dy', 'filter']);
      const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (!allFloat32(dy, filter) || !channelsLast(a.dataFormat)) return inputFallback(args);
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
      return runNative(args.backend, a.inputShape, (heap, out) =>
        addon.conv2dBackpropInput(heap, nativeThreads(), offsetOf(args.backend, dy), offsetOf(args.backend, filter), out, ...geometryOf(info)),
      );
    },
    [tf.Conv2DBackpropFilter]: (args) => {
      const [x, dy] = inputsOf(tf.Conv2DBackpropFilter, args, ['x', 'dy']);
      const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (!allFloat32(x, dy) || !channelsLast(a.dataFormat)) return filterFallback(args);
      const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
      return runNative(args.backend, a.filterShape, (heap, out) =>
        addon.conv2dBackpropFilter(heap, nativeThreads(), offsetOf(args.backend, x), offsetOf(args.backend, dy), out, ...geometryOf(info)),
      );
    },
  };
}
