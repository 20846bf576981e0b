import { z } from 'zod';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/**
 * ProxylessNAS (Cai, Zhu and Han, "ProxylessNAS: Direct Neural Architecture Search on Target Task
 * and Hardware", ICLR 2019; mit-han-lab/proxylessnas `search/`): binarized paths. The weights' step
 * runs one op per edge drawn from softmax(α); α's step (every `archUpdateEvery` batches, from epoch
 * `archWarmupEpochs` on) draws two ops per edge, runs only those, and sets α's gradient from the
 * gates' gradients (the authors' `grad_binary_mode two`). The authors' α settings: Adam at 1e-3,
 * β (0, 0.999), no weight decay, an update every 5 batches, none in the first epoch.
 */
export const ProxylessConfig = z
  .object({
    algorithm: z.literal('proxyless'),
    ...oneShotFields,
    archLearningRate: oneShotFields.archLearningRate.unwrap().default(1e-3),
    archBeta1: oneShotFields.archBeta1.unwrap().default(0),
    archWeightDecay: oneShotFields.archWeightDecay.unwrap().default(0),
    archUpdateEvery: z.number().int().min(1).max(1000).default(5)
      .meta({ title: 'Architecture: update every (batches)', description: 'one α step after every this many weight steps of an epoch (grad_update_arch_param_every)' }),
    archWarmupEpochs: z.number().int().min(0).default(1)
      .meta({ title: 'Architecture: first epoch', description: 'α stays still for this many epochs (the authors skip the first epoch after a separate 40-epoch warm-up)' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('ProxylessNAS')(c, ctx);
    if (c.archWarmupEpochs >= c.epochs) {
      ctx.addIssue({ code: 'custom', path: ['archWarmupEpochs'], message: `archWarmupEpochs (${c.archWarmupEpochs}) must be below epochs (${c.epochs}), or α is never trained` });
    }
  });
export type ProxylessConfig = z.infer<typeof ProxylessConfig>;
