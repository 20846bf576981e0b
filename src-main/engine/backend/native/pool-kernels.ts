import * as tf from '@tensorflow/tfjs';
import { nativeThreads, type NativeAddon } from './addon';
import { maxPoolGradConfig } from '../kernels/MaxPoolGrad';
import { simdKernels } from '../simd/module';
import { allFloat32, elementCount, fallbackTo, geometryOf, heapOf, inputsOf, offsetOf, type KernelFn, type WasmKernelArgs } from './heap';

type Shape4 = [number, number, number, number];

/**
 * Average-pool gradient that divides by the number of in-bounds window elements, as a forward pass
 * with count_include_pad=False (DARTS) does. Not a tfjs kernel: registered under this name so ops
 * code reaches it with runKernel (see avgPoolGradExcludingPadding).
 */
export const AVG_POOL_GRAD_EXCLUDE_PAD = 'NasAvgPoolGradExcludePad';

export interface AvgPoolGradExcludePadAttrs {
  inputShape: Shape4;
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
}

function runPoolGrad(
  backend: WasmKernelArgs['backend'],
  shape: number[],
  call: (heap: ArrayBuffer, out: number) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  if (elementCount(shape) > 0) call(heapOf(backend), offsetOf(backend, out));
  return out;
}

export function poolKernels(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const maxPrevious = previous(tf.MaxPoolGrad);
  const maxFallback = fallbackTo(tf.MaxPoolGrad, maxPrevious);
  // Our wasm SIMD MaxPoolGrad (channels a multiple of 4) is 2–4× faster than the native one on one
  // thread at the reference supernet's shapes (docs/native.md), so it keeps those.
  const simdMaxPrevious = maxPrevious?.kernelFunc === maxPoolGradConfig.kernelFunc;
  const avgFallback = fallbackTo(tf.AvgPoolGrad, previous(tf.AvgPoolGrad));
  return {
    [tf.MaxPoolGrad]: (args) => {
      const [dy, input] = inputsOf(tf.MaxPoolGrad, args, ['dy', 'input']);
      const a = args.attrs as unknown as tf.MaxPoolGradAttrs;
      if (!allFloat32(dy, input)) return maxFallback(args);
      const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
      if (simdMaxPrevious && info.inChannels % 4 === 0 && simdKernels(args.backend) !== null) return maxFallback(args);
      return runPoolGrad(args.backend, input.shape, (heap, out) =>
        addon.maxPoolGrad(heap, nativeThreads(), offsetOf(args.backend, input), offsetOf(args.backend, dy), out, ...geometryOf(info)),
      );
    },
    // tfjs's own semantics: every window divides by fh·fw, padding included.
    [tf.AvgPoolGrad]: (args) => {
      const [dy, input] = inputsOf(tf.AvgPoolGrad, args, ['dy', 'input']);
      const a = args.attrs as unknown as tf.AvgPoolGradAttrs;
      if (!allFloat32(dy, input)) return avgFallback(args);
      const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, a.filterSize, a.strides, 1, a.pad);
      return runPoolGrad(args.backend, input.shape, (heap, out) =>
        addon.avgPoolGrad(heap, nativeThreads(), offsetOf(args.backend, dy), out, 0, ...geometryOf(info)),
      );
    },
    [AVG_POOL_GRAD_EXCLUDE_PAD]: (args) => {
      const [dy] = inputsOf(AVG_POOL_GRAD_EXCLUDE_PAD, args, ['dy']);
      const a = args.attrs as unknown as AvgPoolGradExcludePadAttrs;
      if (!allFloat32(dy)) throw new Error(`${AVG_POOL_GRAD_EXCLUDE_PAD}: dy must be float32, got ${dy.dtype}`);
      const info = tf.backend_util.computePool2DInfo(a.inputShape, a.filterSize, a.strides, 1, a.pad);
      if (!tf.util.arraysEqual(info.outShape, dy.shape)) {
        throw new Error(`${AVG_POOL_GRAD_EXCLUDE_PAD}: dy has shape [${dy.shape}] but this pooling outputs [${info.outShape}]`);
      }
      return runPoolGrad(args.backend, [...a.inputShape], (heap, out) =>
        addon.avgPoolGrad(heap, nativeThreads(), offsetOf(args.backend, dy), out, 1, ...geometryOf(info)),
      );
    },
  };
}

/**
 * dx of an average pooling that excludes padding from its divisor. Throws when the native kernels
 * are not registered for the current backend: check `registerNativeKernels().kernels` includes
 * AVG_POOL_GRAD_EXCLUDE_PAD, else use a composed gradient.
 */
export function avgPoolGradExcludingPadding(dy: tf.Tensor4D, attrs: AvgPoolGradExcludePadAttrs): tf.Tensor4D {
  if (tf.getKernel(AVG_POOL_GRAD_EXCLUDE_PAD, tf.getBackend()) === undefined) {
    throw new Error(
      `${AVG_POOL_GRAD_EXCLUDE_PAD} is not registered for backend '${tf.getBackend()}'; ` +
        'call registerNativeKernels() on the wasm backend, or use the composed gradient.',
    );
  }
  const inputs = { dy } as unknown as tf.NamedTensorMap;
  return tf.engine().runKernel(AVG_POOL_GRAD_EXCLUDE_PAD, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
