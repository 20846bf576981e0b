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
    temperature: z.number().positive().default(2.5).meta({ title: 'Initial temperature', description: 'of the Gumbel-softmax (public SNAS code: 2.5)' }),
    temperatureDecay: z.number().gt(0).max(1).default(0.97).meta({ title: 'Temperature decay per epoch', description: 'public SNAS code: 0.97' }),
    estimator: SnasEstimator.default('gumbel')
      .meta({ title: 'Gradient estimator', description: 'gumbel: reparameterized; sf: score function; relax: RELAX control variate; ram: exact over one edge' }),
    baselineDecay: z.number().min(0).lt(1).default(0.9).meta({ title: 'SF baseline decay', description: 'moving-average factor of the score-function baseline' }),
    relaxLearningRate: z.number().positive().default(1e-2).meta({ title: 'RELAX learning rate', description: 'of RELAX\'s control-variate parameters' }),
    /** Estimators whose gradient variance is measured at each epoch's end (absent: the run's own). */
    varianceEstimators: z.array(SnasEstimator).optional(),
    varianceDraws: z.number().int().min(2).max(100).default(4).meta({ title: 'Variance draws', description: 'repeated draws behind each gradient-variance figure' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('SNAS')(c, ctx);
  });
export type SnasConfig = z.infer<typeof SnasConfig>;
