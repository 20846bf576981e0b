import { z } from 'zod';
import { DatasetConfig } from '../dataset';
import { SearchSpace } from '../space';

/**
 * DARTS (Liu, Simonyan and Yang, ICLR 2019). Defaults are those of the authors' `train_search.py`:
 * weights by SGD with momentum and a cosine schedule, architecture by Adam, the training set split
 * in half into the weights' and the architecture's data, first-order unless `unrolled`.
 */
export const DartsConfig = z
  .object({
    algorithm: z.literal('darts'),
    name: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    dataset: DatasetConfig.prefault({}),
    space: SearchSpace.prefault({ kind: 'darts' }),
    epochs: z.number().int().min(1).max(10_000).default(50),
    batchSize: z.number().int().min(1).max(4096).default(64),
    /** Fraction of the training images that train the weights; the rest train α (`train_portion`). */
    trainPortion: z.number().gt(0).lt(1).default(0.5),
    learningRate: z.number().positive().max(10).default(0.025),
    /** Cosine annealing ends here (`learning_rate_min`). */
    learningRateMin: z.number().min(0).max(10).default(0.001),
    momentum: z.number().min(0).max(1).default(0.9),
    weightDecay: z.number().min(0).max(1).default(3e-4),
    /** Gradient-norm clip of the weights' gradient (`grad_clip`). */
    gradClip: z.number().positive().default(5),
    archLearningRate: z.number().positive().max(10).default(3e-4),
    archBeta1: z.number().min(0).lt(1).default(0.5),
    archBeta2: z.number().min(0).lt(1).default(0.999),
    archWeightDecay: z.number().min(0).max(1).default(1e-3),
    /** Second-order (unrolled) architecture gradient; false is DARTS's first-order approximation. */
    unrolled: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.learningRateMin > c.learningRate) {
      ctx.addIssue({ code: 'custom', path: ['learningRateMin'], message: `learningRateMin (${c.learningRateMin}) must not exceed learningRate (${c.learningRate})` });
    }
  });
export type DartsConfig = z.infer<typeof DartsConfig>;
