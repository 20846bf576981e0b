import {
  activationFloatsPerSample,
  backendMemory,
  estimateTrainingBytes,
  refuseIfTooLarge,
  USABLE_FRACTION,
  type BackendMemory,
  type StepBytes,
  type TrainingEstimate,
} from './memory';

export interface MemoryPlanInput<M extends string> {
  parameterCount: number;
  /** Per-parameter optimizer state tensors (1 for SGD with momentum). */
  optimizerSlots: number;
  batchSize: number;
  /** Peak tensor bytes of one training step at a small batch size, plain (null) or with a recomputation mode. */
  measure: (batchSize: number, recompute: M | null) => Promise<StepBytes>;
  /** Recomputation modes to try when the plain step does not fit, in order (fastest first); may be empty. */
  modes: readonly M[];
  memory?: BackendMemory;
}

export interface MemoryPlan<M extends string> {
  /** null: the plain step. */
  recompute: M | null;
  estimate: TrainingEstimate;
  /** One line for the run's log: what was chosen and why. */
  note: string;
}

/** The two small batch sizes whose peak bytes give the per-sample slope. */
export const PROBE_BATCHES: readonly [number, number] = [2, 4];

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/**
 * Decides, before a run starts, how its training step fits the backend's memory: the plain step if
 * its estimate fits, else the first recomputation mode (gradient checkpointing) whose estimate
 * fits, else an Error whose message states the estimate and what to lower. Estimates come from two
 * measured steps at small batch sizes (peak bytes grow linearly with the batch).
 */
export async function planTrainingMemory<M extends string>(input: MemoryPlanInput<M>): Promise<MemoryPlan<M>> {
  const memory = input.memory ?? backendMemory();
  const budget = memory.ceilingBytes * USABLE_FRACTION;
  const sizeFor = async (recompute: M | null) => {
    const small = await input.measure(PROBE_BATCHES[0], recompute);
    const large = await input.measure(PROBE_BATCHES[1], recompute);
    return {
      parameterCount: input.parameterCount,
      optimizerSlots: input.optimizerSlots,
      batchSize: input.batchSize,
      activationFloatsPerSample: activationFloatsPerSample(small, large),
    };
  };
  const plain = await sizeFor(null);
  const plainEstimate = estimateTrainingBytes(plain);
  if (plainEstimate.bytes <= budget) {
    return { recompute: null, estimate: plainEstimate, note: `memory: the training step needs about ${gib(plainEstimate.bytes)} of ${gib(budget)} usable on ${memory.backend}` };
  }
  let last = plain;
  for (const mode of input.modes) {
    last = await sizeFor(mode);
    const estimate = estimateTrainingBytes(last);
    if (estimate.bytes <= budget) {
      return {
        recompute: mode,
        estimate,
        note:
          `memory: the plain training step would need about ${gib(plainEstimate.bytes)}, more than the ${gib(budget)} usable on ${memory.backend}; ` +
          `recomputing the ${mode} in the backward pass (about one more forward pass of time) brings it to ${gib(estimate.bytes)}`,
      };
    }
  }
  const refusal = refuseIfTooLarge(last, memory) ?? 'the training step does not fit in memory';
  throw new Error(input.modes.length ? `Even recomputing the ${input.modes[input.modes.length - 1]} in the backward pass: ${refusal}` : refusal);
}
