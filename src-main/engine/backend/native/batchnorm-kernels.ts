import type * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../kernels/batch-norm-names';
import { rowLayout, statShape } from '../kernels/batch-norm-rows';
import { checkGradInputs } from '../kernels/BatchNormTrainGrad';
import { nativeThreads, type NativeAddon } from './addon';
import { allFloat32, fallbackTo, heapOf, inputsOf, offsetOf, type KernelFn, type WasmKernelArgs } from './heap';

/**
 * The fused batch-norm kernels (kernels/batch-norm-names.ts) in C++: every channel count, rows
 * split over the native threads. Non-float32 input goes to the kernel registered before (ours on
 * wasm), which explains what is wrong.
 */
export function batchNormKernels(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const forwardFallback = fallbackTo(BATCH_NORM_TRAIN, previous(BATCH_NORM_TRAIN));
  const gradFallback = fallbackTo(BATCH_NORM_TRAIN_GRAD, previous(BATCH_NORM_TRAIN_GRAD));
  return {
    // A two-output kernel; the engine takes the array, the KernelFn type names one output.
    [BATCH_NORM_TRAIN]: ((args: WasmKernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
      const [x] = inputsOf(BATCH_NORM_TRAIN, args, ['x']);
      if (!allFloat32(x)) return forwardFallback(args);
      const { rows, channels } = rowLayout(BATCH_NORM_TRAIN, 'x', x.shape);
      const y = args.backend.makeOutput(x.shape, 'float32');
      const invStd = args.backend.makeOutput(statShape(x.shape), 'float32');
      const { backend } = args;
      addon.batchNormTrain(heapOf(backend), nativeThreads(), offsetOf(backend, x), offsetOf(backend, y), offsetOf(backend, invStd), rows, channels);
      return [y, invStd];
    }) as unknown as KernelFn,
    [BATCH_NORM_TRAIN_GRAD]: (args) => {
      const [dy, y, invStd] = inputsOf(BATCH_NORM_TRAIN_GRAD, args, ['dy', 'y', 'invStd']);
      if (!allFloat32(dy, y, invStd)) return gradFallback(args);
      const { rows, channels } = checkGradInputs(BATCH_NORM_TRAIN_GRAD, dy, y, invStd);
      const { backend } = args;
      const dx = backend.makeOutput(dy.shape, 'float32');
      const at = (t: tf.TensorInfo) => offsetOf(backend, t);
      addon.batchNormTrainGrad(heapOf(backend), nativeThreads(), at(dy), at(y), at(invStd), at(dx), rows, channels);
      return dx;
    },
  };
}
