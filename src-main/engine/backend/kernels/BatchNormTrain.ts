import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from '../simd/module';
import { BATCH_NORM_EPS, BATCH_NORM_TRAIN } from './batch-norm-names';
import { blockedSums, floatIndex, heapFloats, requireFloat32, rowLayout, statShape, type RowLayout } from './batch-norm-rows';
import { requireInputs, WASM } from './kernel-util';

/**
 * Batch norm's forward pass in one kernel call instead of seven (two AvgPool means, Sub, Square,
 * Add, Rsqrt, Mul): two passes over x (mean, then centred squares, for accuracy) and one writing y.
 * C a multiple of 4 runs the wasm SIMD row loops; other C a scalar loop with float64 sums.
 */
function forwardSimd(kernels: SimdKernels, backend: BackendWasm, layout: RowLayout, x: tf.TensorInfo, y: tf.TensorInfo, invStd: tf.TensorInfo): void {
  const { rows, channels } = layout;
  const cb = channels * 4;
  // Scratch rows: accumulator, mean, zeros (bnRowMap's v in the forward pass).
  const scratch = backend.makeOutput([3 * channels], 'float32');
  const heap = heapFloats(backend);
  const [acc, mean, zeros] = [0, 1, 2].map((i) => floatIndex(backend, scratch) + i * channels);
  const [xAt, yAt, invAt] = [floatIndex(backend, x), floatIndex(backend, y), floatIndex(backend, invStd)];
  heap.fill(0, zeros, zeros + channels);
  const [sum] = blockedSums(heap, layout, [acc], (first, count) => kernels.bnRowSum(4 * xAt + first * cb, 4 * acc, count, cb));
  for (let ch = 0; ch < channels; ch++) heap[mean + ch] = sum[ch] / rows;
  const [squares] = blockedSums(heap, layout, [acc], (first, count) =>
    kernels.bnRowSquaredDeviation(4 * xAt + first * cb, 4 * mean, 4 * acc, count, cb),
  );
  for (let ch = 0; ch < channels; ch++) heap[invAt + ch] = 1 / Math.sqrt(squares[ch] / rows + BATCH_NORM_EPS);
  kernels.bnRowMap(4 * xAt, 4 * xAt, 4 * mean, 4 * zeros, 4 * invAt, 4 * yAt, rows, cb);
  backend.disposeData(scratch.dataId);
}

function forwardScalar(backend: BackendWasm, layout: RowLayout, x: tf.TensorInfo, y: tf.TensorInfo, invStd: tf.TensorInfo): void {
  const { rows, channels } = layout;
  const heap = heapFloats(backend);
  const [xAt, yAt, invAt] = [floatIndex(backend, x), floatIndex(backend, y), floatIndex(backend, invStd)];
  const end = xAt + rows * channels;
  const mean = new Float64Array(channels);
  for (let i = xAt; i < end; i += channels) for (let ch = 0; ch < channels; ch++) mean[ch] += heap[i + ch];
  for (let ch = 0; ch < channels; ch++) mean[ch] /= rows;
  const squares = new Float64Array(channels);
  for (let i = xAt; i < end; i += channels) {
    for (let ch = 0; ch < channels; ch++) {
      const d = heap[i + ch] - mean[ch];
      squares[ch] += d * d;
    }
  }
  const inv = squares.map((s) => 1 / Math.sqrt(s / rows + BATCH_NORM_EPS));
  heap.set(inv, invAt);
  for (let i = 0; i < rows * channels; i += channels) {
    for (let ch = 0; ch < channels; ch++) heap[yAt + i + ch] = (heap[xAt + i + ch] - mean[ch]) * inv[ch];
  }
}

function batchNormTrain(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }): tf.TensorInfo[] {
  const { x } = requireInputs(BATCH_NORM_TRAIN, args.inputs, ['x']);
  requireFloat32(BATCH_NORM_TRAIN, { x });
  const layout = rowLayout(BATCH_NORM_TRAIN, 'x', x.shape);
  const { backend } = args;
  const y = backend.makeOutput(x.shape, 'float32');
  const invStd = backend.makeOutput(statShape(x.shape), 'float32');
  const kernels = layout.channels % 4 === 0 ? simdKernels(backend) : null;
  if (kernels !== null) forwardSimd(kernels, backend, layout, x, y, invStd);
  else forwardScalar(backend, layout, x, y, invStd);
  return [y, invStd];
}

export const batchNormTrainConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: WASM,
  kernelFunc: batchNormTrain as unknown as tf.KernelFunc,
};
