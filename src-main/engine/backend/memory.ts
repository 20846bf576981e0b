import * as tf from '@tensorflow/tfjs';
import { totalmem } from 'node:os';

/** The wasm heap is 32-bit addressed: 4 GiB, and it never shrinks once grown. */
export const WASM_HEAP_CEILING_BYTES = 4 * 1024 ** 3;

/**
 * Share of the ceiling a plan may use. The rest covers what tensor byte counts do not show: the
 * allocator's fragmentation on a heap that never shrinks, XNNPACK's packed weights and workspace.
 */
export const USABLE_FRACTION = 0.8;

export interface BackendMemory {
  backend: string;
  /** Hard ceiling for tensor memory: the wasm heap's 4 GiB, else the machine's RAM. */
  ceilingBytes: number;
  /** Current size of the wasm heap (never shrinks); null on other backends. */
  heapBytes: number | null;
  /** Bytes held by live tensors now. */
  tensorBytes: number;
}

interface WasmModuleView {
  wasm?: { HEAP8?: Int8Array };
}

export function backendMemory(): BackendMemory {
  const backend = tf.getBackend();
  const heap = (tf.backend() as unknown as WasmModuleView).wasm?.HEAP8;
  const isWasm = backend === 'wasm' && heap !== undefined;
  return {
    backend,
    ceilingBytes: isWasm ? WASM_HEAP_CEILING_BYTES : totalmem(),
    heapBytes: isWasm ? heap.buffer.byteLength : null,
    tensorBytes: tf.memory().numBytes,
  };
}

export interface TrainingSize {
  /** Trainable parameters (weights and architecture parameters). */
  parameterCount: number;
  /**
   * Floats a training step holds per sample at its peak: measured with `measureStepBytes` at two
   * batch sizes, or counted analytically as the sum of every forward intermediate (tfjs keeps all of
   * them until the gradients are computed) plus the largest backward transient.
   */
  activationFloatsPerSample: number;
  batchSize: number;
  /** Per-parameter optimizer state tensors: 0 for SGD, 1 for momentum, 2 for Adam. */
  optimizerSlots: number;
}

export interface TrainingEstimate {
  bytes: number;
  parameterBytes: number;
  activationBytes: number;
}

const FLOAT_BYTES = 4;

/** Weights, their gradients and optimizer state, plus the activations of one step. */
export function estimateTrainingBytes(size: TrainingSize): TrainingEstimate {
  for (const [key, value] of Object.entries(size)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`estimateTrainingBytes: ${key} must be a non-negative number, got ${value}.`);
    }
  }
  const parameterBytes = FLOAT_BYTES * size.parameterCount * (2 + size.optimizerSlots);
  const activationBytes = FLOAT_BYTES * size.activationFloatsPerSample * size.batchSize;
  return { bytes: parameterBytes + activationBytes, parameterBytes, activationBytes };
}

export interface StepBytes {
  batchSize: number;
  /** Peak bytes of the distinct buffers the step allocated and still held (tensors made before it not counted). */
  peakBytes: number;
}

interface TrackingEngine {
  trackTensor(a: tf.Tensor, backend: unknown): void;
  disposeTensor(a: tf.Tensor): void;
}

/**
 * Runs one training step and returns the peak bytes of the buffers it allocated. Counted per
 * buffer, not per tensor: tf.profile's peakBytes adds every tensor's size, and a reshape or a
 * tensor saved for the gradient shares its buffer (on the reference supernet tf.profile said
 * 4.9 GiB while the whole wasm heap was 3.8 GiB). Hooks the engine's tensor bookkeeping while the
 * step runs; buffers made inside a kernel and freed before it returns are not seen.
 */
export async function measureStepBytes(batchSize: number, step: () => void | Promise<unknown>): Promise<StepBytes> {
  const engine = tf.engine() as unknown as TrackingEngine;
  const { trackTensor, disposeTensor } = engine;
  const refs = new Map<object, number>();
  let live = 0;
  let peak = 0;
  const bytesOf = (a: tf.Tensor) => (a.dtype === 'string' || a.dtype === 'complex64' ? 0 : a.size * tf.util.bytesPerElement(a.dtype));
  engine.trackTensor = function (a, backend) {
    trackTensor.call(this, a, backend);
    const n = refs.get(a.dataId) ?? 0;
    if (n === 0) {
      live += bytesOf(a);
      peak = Math.max(peak, live);
    }
    refs.set(a.dataId, n + 1);
  };
  engine.disposeTensor = function (a) {
    const n = refs.get(a.dataId);
    if (n !== undefined && !a.isDisposed) {
      if (n === 1) {
        refs.delete(a.dataId);
        live -= bytesOf(a);
      } else refs.set(a.dataId, n - 1);
    }
    disposeTensor.call(this, a);
  };
  try {
    await step();
  } finally {
    engine.trackTensor = trackTensor;
    engine.disposeTensor = disposeTensor;
  }
  return { batchSize, peakBytes: peak };
}

/** Per-sample activation floats from two measured steps (peak bytes grow linearly with the batch). */
export function activationFloatsPerSample(small: StepBytes, large: StepBytes): number {
  if (large.batchSize <= small.batchSize) {
    throw new Error('activationFloatsPerSample: the second measurement needs the larger batch size.');
  }
  const slope = (large.peakBytes - small.peakBytes) / (large.batchSize - small.batchSize);
  return Math.max(0, slope / FLOAT_BYTES);
}

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;

/**
 * Refuses a run that would not fit before it starts: returns null when it fits, else a message
 * with the estimate, the budget and what to lower (with the largest batch size that would fit).
 */
export function refuseIfTooLarge(size: TrainingSize, memory: BackendMemory): string | null {
  const estimate = estimateTrainingBytes(size);
  const budget = memory.ceilingBytes * USABLE_FRACTION;
  if (estimate.bytes <= budget) return null;
  const perSample = FLOAT_BYTES * size.activationFloatsPerSample;
  const maxBatch = perSample > 0 ? Math.floor((budget - estimate.parameterBytes) / perSample) : 0;
  const batchHint =
    maxBatch >= 1
      ? `lower the batch size from ${size.batchSize} to ${maxBatch} or less`
      : 'even batch size 1 does not fit: lower the channel count or the number of layers/cells';
  return (
    `This run needs about ${gib(estimate.bytes)} (activations ${gib(estimate.activationBytes)}, ` +
    `weights/gradients/optimizer ${gib(estimate.parameterBytes)}), more than the ${gib(budget)} ` +
    `the ${memory.backend} backend can use (${Math.round(USABLE_FRACTION * 100)} % of ${gib(memory.ceilingBytes)}). ` +
    `To fit: ${batchHint}; fewer initial channels or cells shrink activations roughly in proportion.`
  );
}
