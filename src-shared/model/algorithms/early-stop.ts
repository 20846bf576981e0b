import { z } from 'zod';

/**
 * DARTS-ES (Zela et al., ICLR 2020, "Understanding and Robustifying DARTS"; automl/RobustDARTS
 * `EVLocalAvg.early_stop`): stop a differentiable search once the dominant Hessian eigenvalue of the
 * validation loss has grown by more than `factor` and answer the architecture of the epoch before.
 * Each eigenvalue (every `hessianEvery` epochs) joins a trailing local average of the last `window`
 * values; the search stops when that average exceeds `factor` times the one `delta` measurements
 * earlier, provided the earlier one ends at or after epoch `startEpoch`. The authors' defaults:
 * factor 1.3, window 5, delta 2, start epoch 20 (their local average is centred, ours trails, so
 * a measurement counts at once).
 */
export const EarlyStopConfig = z
  .object({
    factor: z.number().min(0).default(1.3).meta({ title: 'Stop when the eigenvalue grew by', description: 'ratio of the local average to the one `delta` measurements earlier' }),
    window: z.number().int().min(1).max(50).default(5).meta({ title: 'Averaging window (measurements)' }),
    delta: z.number().int().min(1).max(50).default(2).meta({ title: 'Compare with (measurements back)' }),
    startEpoch: z.number().int().min(0).default(20).meta({ title: 'Not before epoch', description: 'the earlier measurement must end at or after this epoch' }),
  })
  .strict();
export type EarlyStopConfig = z.infer<typeof EarlyStopConfig>;

/** One measured dominant eigenvalue and the epoch (from 1) it ended. */
export interface EigenvalueAt {
  epoch: number;
  value: number;
}

/** Trailing local averages: entry i is the mean of values i−window+1..i (fewer at the start). */
export function localAverages(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const part = values.slice(Math.max(0, i - window + 1), i + 1);
    return part.reduce((s, v) => s + v, 0) / part.length;
  });
}

/**
 * DARTS-ES's test on a trace of eigenvalues (docs/oneshot.md): whether the last measurement's local
 * average exceeds `factor` times the one `delta` measurements before, that earlier one being at or
 * after `startEpoch` and positive (growth is only defined from a positive curvature). Pure, so the
 * engine's early stop and the collapse warning (../collapse.ts) share it.
 */
export function eigenvalueGrew(trace: readonly EigenvalueAt[], o: EarlyStopConfig): boolean {
  const last = trace.length - 1;
  if (last - o.delta < 0 || trace[last - o.delta].epoch < o.startEpoch) return false;
  const averages = localAverages(trace.map((t) => t.value), o.window);
  const before = averages[last - o.delta];
  return before > 0 && averages[last] > o.factor * before;
}
