import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from '../simd/module';
import { BATCH_NORM_TRAIN_GRAD } from './batch-norm-names';
import { blockedSums, floatIndex, heapFloats, requireFloat32, rowLayout, type RowLayout } from './batch-norm-rows';
import { requireInputs, WASM } from './kernel-util';

/**
 * Batch norm's input gradient in one kernel call instead of nine: one pass summing dy and dy·y per
 * channel, one writing dx = invStd·(dy − mean(dy) − y·mean(dy·y)). C a multiple of 4 runs the wasm
 * SIMD row loops; other C a scalar loop with float64 sums.
 */
function gradSimd(kernels: SimdKernels, backend: BackendWasm, layout: RowLayout, t: Record<'dy' | 'y' | 'invStd' | 'dx', tf.TensorInfo>): void {
  const { rows, channels } = layout;
  const cb = channels * 4;
  // Scratch rows: Σdy, Σdy·y, then their means.
  const scratch = backend.makeOutput([4 * channels], 'float32');
  const heap = heapFloats(backend);
  const [sumAcc, dotAcc, meanDy, meanDot] = [0, 1, 2, 3].map((i) => floatIndex(backend, scratch) + i * channels);
  const [dyAt, yAt, invAt, dxAt] = [t.dy, t.y, t.invStd, t.dx].map((info) => floatIndex(backend, info));
  const [sum, dot] = blockedSums(heap, layout, [sumAcc, dotAcc], (first, count) =>
    kernels.bnRowSumAndDot(4 * dyAt + first * cb, 4 * yAt + first * cb, 4 * sumAcc, 4 * dotAcc, count, cb),
  );
  for (let ch = 0; ch < channels; ch++) {
    heap[meanDy + ch] = sum[ch] / rows;
    heap[meanDot + ch] = dot[ch] / rows;
  }
  kernels.bnRowMap(4 * dyAt, 4 * yAt, 4 * meanDy, 4 * meanDot, 4 * invAt, 4 * dxAt, rows, cb);
  backend.disposeData(scratch.dataId);
}

function gradScalar(backend: BackendWasm, layout: RowLayout, t: Record<'dy' | 'y' | 'invStd' | 'dx', tf.TensorInfo>): void {
  const { rows, channels } = layout;
  const heap = heapFloats(backend);
  const [dyAt, yAt, invAt, dxAt] = [t.dy, t.y, t.invStd, t.dx].map((info) => floatIndex(backend, info));
  const meanDy = new Float64Array(channels);
  const meanDot = new Float64Array(channels);
  for (let i = 0; i < rows * channels; i += channels) {
    for (let ch = 0; ch < channels; ch++) {
      meanDy[ch] += heap[dyAt + i + ch];
      meanDot[ch] += heap[dyAt + i + ch] * heap[yAt + i + ch];
    }
  }
  for (let ch = 0; ch < channels; ch++) {
    meanDy[ch] /= rows;
    meanDot[ch] /= rows;
  }
  for (let i = 0; i < rows * channels; i += channels) {
    for (let ch = 0; ch < channels; ch++) {
      heap[dxAt + i + ch] = heap[invAt + ch] * (heap[dyAt + i + ch] - meanDy[ch] - heap[yAt + i + ch] * meanDot[ch]);
    }
  }
}

/** Checks the gradient kernel's inputs belong together: dy and y one shape, invStd C values. */
export function checkGradInputs(kernelName: string, dy: tf.TensorInfo, y: tf.TensorInfo, invStd: tf.TensorInfo): RowLayout {
  requireFloat32(kernelName, { dy, y, invStd });
  const layout = rowLayout(kernelName, 'dy', dy.shape);
  if (!tf.util.arraysEqual(dy.shape, y.shape) || tf.util.sizeFromShape(invStd.shape) !== layout.channels) {
    throw new Error(
      `${kernelName}: dy [${dy.shape}], y [${y.shape}] and invStd [${invStd.shape}] do not belong together; ` +
        `pass the forward kernel's y and invStd (${layout.channels} values) with a dy shaped like y.`,
    );
  }
  return layout;
}

function batchNormTrainGrad(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }): tf.TensorInfo {
  const { dy, y, invStd } = requireInputs(BATCH_NORM_TRAIN_GRAD, args.inputs, ['dy', 'y', 'invStd']);
  const layout = checkGradInputs(BATCH_NORM_TRAIN_GRAD, dy, y, invStd);
  const { backend } = args;
  const dx = backend.makeOutput(dy.shape, 'float32');
  const kernels = layout.channels % 4 === 0 ? simdKernels(backend) : null;
  if (kernels !== null) gradSimd(kernels, backend, layout, { dy, y, invStd, dx });
  else gradScalar(backend, layout, { dy, y, invStd, dx });
  return dx;
}

export const batchNormTrainGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName: WASM,
  kernelFunc: batchNormTrainGrad as unknown as tf.KernelFunc,
};
