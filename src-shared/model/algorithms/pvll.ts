import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';

/**
 * PVLL-NAS (Li, Dong, Wang and Xu, "Neural Architecture Search in a Proxy Validation Loss
 * Landscape", ICML 2020), Algorithm 1: a memory of (Gumbel-softmax architecture H, validation
 * loss) pairs, a small MLP ψ fitted to it, α moved down ∇α ψ(GumbelSoftmax(α)). `epochs` is the
 * number of search iterations T; each trains the supernet `batchesPerEpoch` batches on its sample.
 * `unrolled` is the second-order variant: the loss is measured after a one-step look-ahead.
 */
export const PvllConfig = z
  .object({
    algorithm: z.literal('pvll'),
    ...oneShotFields,
    /** Warm-up population N (Algorithm 1's first loop). */
    warmupSize: z.number().int().min(1).max(10_000).default(10),
    /** Training batches of one warm-up "epoch" per architecture. */
    warmupBatches: z.number().int().min(1).default(10),
    temperature: z.number().positive().default(1),
    /** Forward of a sample: its relaxed weights over all ops, or only each edge's arg-max op. */
    sampleForward: z.enum(['relaxed', 'discrete']).default('relaxed'),
    hiddenUnits: z.number().int().min(1).max(1024).default(64),
    landscapeLearningRate: z.number().positive().default(1e-2),
    /** Adam steps of ψ on the whole memory at each refit. */
    landscapeFitSteps: z.number().int().min(1).default(100),
    /** Ablations of the paper's Table 4. */
    sampler: z.boolean().default(true),
    warmup: z.boolean().default(true),
    weightedLoss: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    if (c.earlyStop) ctx.addIssue({ code: 'custom', path: ['earlyStop'], message: 'PVLL-NAS has no per-epoch gradient search to stop early: remove earlyStop' });
  });
export type PvllConfig = z.infer<typeof PvllConfig>;
