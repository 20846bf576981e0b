import { z } from 'zod';

/**
 * One scalar observation of a run. Keys are dotted names, e.g. `train.loss`, `valid.acc`,
 * `alpha.entropy.normal`, `hessian.eigenvalue`; the step is the run's global step counter.
 */
export const MetricPoint = z.object({
  step: z.number().int().min(0),
  epoch: z.number().min(0),
  key: z.string().min(1).max(200),
  value: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** A point as the store recorded it: with the time it was written (unix ms), as live events carry it. */
export const StoredMetricPoint = MetricPoint.extend({ time: z.number().int().nullable() });
export type StoredMetricPoint = z.infer<typeof StoredMetricPoint>;
