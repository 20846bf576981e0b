import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { depthwiseKernel } from '../simd/depthwise-bodies';
import type { DepthwisePass } from '../simd/depthwise-plan';
import { heapOffset } from '../simd/module';
import { requireChannelsLast, requireInputs, WASM } from './kernel-util';
import { stockKernel } from './stock';

type Shape4 = [number, number, number, number];

/**
 * Runs the generated correlation computing `pass` of `info` from `src` into a new float32 tensor of
 * `outShape`; null when it cannot (no wasm SIMD, or the source sits so low in the heap that the row
 * pointer, which starts at the first tap row above it, would wrap below address 0).
 */
export function runGeneratedDepthwise(
  backend: BackendWasm,
  pass: DepthwisePass,
  src: tf.TensorInfo,
  filter: tf.TensorInfo,
  outShape: number[],
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo | null {
  const kernel = depthwiseKernel(backend, pass, info);
  if (kernel === null) return null;
  const srcAt = heapOffset(backend, src.dataId);
  const rowBytes = src.shape[2] * info.inChannels * 4;
  if (srcAt < kernel.rowsAbove * rowBytes) return null;
  const out = backend.makeOutput(outShape, 'float32');
  kernel.run(srcAt, heapOffset(backend, filter.dataId), heapOffset(backend, out.dataId), outShape[0]);
  return out;
}

/** Whether the generated kernels take this convolution (else the stock or composed path does). */
export function simdDepthwiseApplies(src: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): boolean {
  return (
    src.dtype === 'float32' &&
    filter.dtype === 'float32' &&
    filter.shape[3] === 1 &&
    info.inChannels % 4 === 0 &&
    tf.util.sizeFromShape(info.outShape) > 0 &&
    info.batchSize * info.inHeight * info.inWidth > 0
  );
}

/**
 * Depthwise convolution, channel multiplier 1, C a multiple of 4: the generated SIMD correlation
 * (simd/depthwise-bodies.ts), several times XNNPACK's speed at 8–32 channels (docs/simd-kernels.md).
 * Anything else goes back to the stock XNNPACK kernel.
 */
function depthwiseConv2dNative(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const { x, filter } = requireInputs(tf.DepthwiseConv2dNative, args.inputs, ['x', 'filter']);
  const { strides, pad, dilations, dimRoundingMode, dataFormat } = args.attrs as unknown as tf.DepthwiseConv2dNativeAttrs;
  requireChannelsLast(tf.DepthwiseConv2dNative, dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4,
    filter.shape as Shape4,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    true,
  );
  const out = simdDepthwiseApplies(x, filter, info) ? runGeneratedDepthwise(args.backend, 'forward', x, filter, info.outShape, info) : null;
  if (out !== null) return out;
  return stockKernel(tf.DepthwiseConv2dNative).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

export const depthwiseConv2dNativeConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNative,
  backendName: WASM,
  kernelFunc: depthwiseConv2dNative as unknown as tf.KernelFunc,
};
