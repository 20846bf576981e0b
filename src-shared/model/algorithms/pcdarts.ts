import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';

/** K of PC-DARTS's partial channel connections: an edge's ops see 1/K of its channels (1: all, as DARTS). */
export const partialChannelsField = z.number().int().min(1).max(16);

/** K must divide the space's channels (C doubles at each reduction or stage, so C % K suffices), on the DARTS and the NAS-Bench-201 space. */
export function checkPartialChannels(c: { partialChannels: number; space: { kind: string; channels?: number } }, ctx: z.RefinementCtx): void {
  if (c.partialChannels === 1) return;
  if ((c.space.channels ?? 0) % c.partialChannels !== 0) {
    ctx.addIssue({ code: 'custom', path: ['partialChannels'], message: `partialChannels K=${c.partialChannels} must divide the space's channels (${c.space.channels}): pick a divisor of ${c.space.channels}` });
  }
}

/**
 * PC-DARTS (Xu, Xie, Zhang, Chen, Qi, Tian and Xiong, "PC-DARTS: Partial Channel Connections for
 * Memory-Efficient Architecture Search", ICLR 2020; yuhuixu1993/PC-DARTS `train_search.py`): DARTS's
 * first-order α update on a supernet whose edges mix their ops on 1/K of the channels (K = 4, channel
 * shuffle) and whose nodes weigh their incoming edges by a softmax of per-edge β (edge
 * normalization; β trained with α). The authors' defaults: batch 256, learning rate 0.1 down to 0,
 * α's Adam at 6e-4, and α frozen for the first 15 of 50 epochs (`archWarmupEpochs`).
 */
export const PcdartsConfig = z
  .object({
    algorithm: z.literal('pcdarts'),
    ...oneShotFields,
    batchSize: oneShotFields.batchSize.unwrap().default(256),
    learningRate: oneShotFields.learningRate.unwrap().default(0.1),
    learningRateMin: oneShotFields.learningRateMin.unwrap().default(0),
    archLearningRate: oneShotFields.archLearningRate.unwrap().default(6e-4),
    partialChannels: partialChannelsField.default(4),
    archWarmupEpochs: z.number().int().min(0).default(15),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    checkPartialChannels(c, ctx);
    if (c.archWarmupEpochs >= c.epochs) {
      ctx.addIssue({ code: 'custom', path: ['archWarmupEpochs'], message: `archWarmupEpochs (${c.archWarmupEpochs}) must be below epochs (${c.epochs}), or α is never trained; PC-DARTS warms up 15 of 50 epochs` });
    }
  });
export type PcdartsConfig = z.infer<typeof PcdartsConfig>;
