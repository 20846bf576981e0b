import { z } from 'zod';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/**
 * GDAS (Dong and Yang, "Searching for a Robust Neural Architecture in Four GPU Hours", CVPR 2019):
 * one op per edge drawn by Gumbel-max, only that op computed, straight-through gradient to α. The
 * temperature falls linearly from `tauMax` to `tauMin` over the epochs (AutoDL-Projects: 10 → 0.1).
 */
export const GdasConfig = z
  .object({
    algorithm: z.literal('gdas'),
    ...oneShotFields,
    tauMax: z.number().positive().default(10).meta({ title: 'Temperature at the start', description: 'τ falls linearly over the epochs' }),
    tauMin: z.number().positive().default(0.1).meta({ title: 'Temperature at the end' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('GDAS')(c, ctx);
    if (c.tauMin > c.tauMax) ctx.addIssue({ code: 'custom', path: ['tauMin'], message: `tauMin (${c.tauMin}) must not exceed tauMax (${c.tauMax})` });
  });
export type GdasConfig = z.infer<typeof GdasConfig>;
