import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';

/**
 * DARTS (Liu, Simonyan and Yang, ICLR 2019). Defaults are those of the authors' `train_search.py`
 * (kept in the one-shot base every relaxation shares): weights by SGD with momentum and a cosine
 * schedule, architecture by Adam, the training set split in half into the weights' and the
 * architecture's data, first-order unless `unrolled`.
 */
export const DartsConfig = z
  .object({
    algorithm: z.literal('darts'),
    ...oneShotFields,
  })
  .strict()
  .superRefine(checkOneShot);
export type DartsConfig = z.infer<typeof DartsConfig>;
