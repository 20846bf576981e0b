import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset } from '../simd/module';

/**
 * What the two batch-norm kernels share: a tensor seen as [rows, C] rows (NHWC, C the last axis),
 * heap access, and per-channel sums taken in float32 blocks that are added in float64.
 */
export interface RowLayout {
  rows: number;
  channels: number;
}

export function rowLayout(kernelName: string, what: string, shape: readonly number[]): RowLayout {
  const channels = shape[shape.length - 1] ?? 0;
  const rows = channels === 0 ? 0 : tf.util.sizeFromShape([...shape]) / channels;
  if (shape.length < 2 || rows === 0) {
    throw new Error(`${kernelName}: ${what} must have at least two non-empty axes (NHWC, statistics per last axis), got shape [${shape.join(',')}]`);
  }
  return { rows, channels };
}

export function requireFloat32(kernelName: string, tensors: Record<string, tf.TensorInfo>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32') throw new Error(`${kernelName}: ${name} must be float32, got ${t.dtype}; cast it first.`);
  }
}

/** [1, …, 1, C]: the statistics' shape, broadcastable against the input. */
export function statShape(shape: readonly number[]): number[] {
  return shape.map((d, i) => (i === shape.length - 1 ? d : 1));
}

/** The whole heap as float32; take it after the last allocation (a growing heap replaces the buffer). */
export function heapFloats(backend: BackendWasm): Float32Array {
  // The module's type comes from @types/emscripten, which is not installed; HEAPU8 is Emscripten's.
  return new Float32Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer);
}

/** Float index of a tensor's first element on the heap. */
export function floatIndex(backend: BackendWasm, tensor: tf.TensorInfo): number {
  return heapOffset(backend, tensor.dataId) / 4;
}

/**
 * Rows per float32 block: a block's sum rounds like a sum of 256 terms (~1e-5 relative at worst),
 * the blocks are added in float64, and a call per block costs well under a microsecond.
 */
export const BLOCK_ROWS = 256;

/**
 * Σ over all rows of each accumulator that `sumBlock(firstRow, count)` fills (float32 rows of C at
 * the given float indices of `heap`), in float64.
 */
export function blockedSums(heap: Float32Array, layout: RowLayout, accumulators: readonly number[], sumBlock: (firstRow: number, count: number) => void): Float64Array[] {
  const { rows, channels } = layout;
  const totals = accumulators.map(() => new Float64Array(channels));
  for (let first = 0; first < rows; first += BLOCK_ROWS) {
    sumBlock(first, Math.min(BLOCK_ROWS, rows - first));
    accumulators.forEach((acc, a) => {
      const total = totals[a];
      for (let ch = 0; ch < channels; ch++) total[ch] += heap[acc + ch];
    });
  }
  return totals;
}
