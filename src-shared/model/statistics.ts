import { z } from 'zod';

/** Mean and sample standard deviation (n − 1 in the denominator; null below two values), over n values. */
export const Stat = z.object({ mean: z.number(), std: z.number().nullable(), n: z.number().int() });
export type Stat = z.infer<typeof Stat>;

/** The Stat of a list, or null for an empty one. */
export function stat(values: readonly number[]): Stat | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return { mean, std: n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : null, n };
}
