import { z } from 'zod';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/** How SNAS's gradient of E_Z[L(Z)] w.r.t. α is estimated (compared in Huang 2019). */
export const SNAS_ESTIMATORS = ['gumbel', 'sf', 'relax', 'ram'] as const;
export const SnasEstimator = z.enum(SNAS_ESTIMATORS);
export type SnasEstimator = z.infer<typeof SnasEstimator>;

/**
 * SNAS (Xie, Zheng, Liu and Lin, "Stochastic Neural Architecture Search", ICLR 2019): edge weights
 * are a Gumbel-softmax sample of softmax(α) at temperature τ = temperature·temperatureDecay^epoch;
 * weights and α trained together on the training batches.
 */
export const SnasConfig = z
  .object({
    algorithm: z.literal('snas'),
    ...oneShotFields,
    /** Initial Gumbel-softmax temperature (public SNAS code: 2.5). */
    temperature: z.number().positive().default(2.5),
    /** Factor applied to the temperature at each epoch (public SNAS code: 0.97). */
    temperatureDecay: z.number().gt(0).max(1).default(0.97),
    estimator: SnasEstimator.default('gumbel'),
    /** Moving-average factor of the score-function baseline (SF). */
    baselineDecay: z.number().min(0).lt(1).default(0.9),
    /** Learning rate of RELAX's control-variate parameters. */
    relaxLearningRate: z.number().positive().default(1e-2),
    /** Estimators whose gradient variance is measured at each epoch's end (absent: the run's own). */
    varianceEstimators: z.array(SnasEstimator).optional(),
    /** Repeated draws behind each variance figure. */
    varianceDraws: z.number().int().min(2).max(100).default(4),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('SNAS')(c, ctx);
  });
export type SnasConfig = z.infer<typeof SnasConfig>;
