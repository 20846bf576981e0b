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
    warmupSize: z.number().int().min(1).max(10_000).default(10).meta({ title: 'Warm-up architectures', description: 'the warm-up population N (Algorithm 1\'s first loop)' }),
    warmupBatches: z.number().int().min(1).default(10).meta({ title: 'Batches per warm-up epoch', description: 'training batches of one warm-up "epoch" per architecture' }),
    temperature: z.number().positive().default(1).meta({ title: 'Gumbel-softmax temperature' }),
    sampleForward: z.enum(['relaxed', 'discrete']).default('relaxed')
      .meta({ title: 'Forward of a sample', description: 'relaxed: its weights over all ops; discrete: only each edge\'s arg-max op' }),
    hiddenUnits: z.number().int().min(1).max(1024).default(64).meta({ title: 'Landscape MLP hidden units' }),
    landscapeLearningRate: z.number().positive().default(1e-2).meta({ title: 'Landscape learning rate' }),
    landscapeFitSteps: z.number().int().min(1).default(100).meta({ title: 'Landscape fit steps', description: 'Adam steps of ψ on the whole memory at each refit' }),
    sampler: z.boolean().default(true).meta({ title: 'Sampler (ablation)', description: 'the paper\'s Table 4' }),
    warmup: z.boolean().default(true).meta({ title: 'Warm-up (ablation)' }),
    weightedLoss: z.boolean().default(true).meta({ title: 'Weighted loss (ablation)' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    if (c.earlyStop) ctx.addIssue({ code: 'custom', path: ['earlyStop'], message: 'PVLL-NAS has no per-epoch gradient search to stop early: remove earlyStop' });
  });
export type PvllConfig = z.infer<typeof PvllConfig>;
