import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';

/** The DARTS-family algorithms whose finished supernet "Select with PT" can take (their α is one row of op weights per edge). */
export const PT_SOURCE_ALGORITHMS = ['darts', 'sdarts-rs', 'sdarts-adv', 'drnas', 'pcdarts'] as const;

/**
 * "Select with PT" on a finished run: the source run's newest checkpoint, from which the engine
 * rebuilds the source's strategy, runs its remaining steps silently (the same supernet as the
 * finished run, by the resume guarantee of docs/checkpoints.md) and then projects. Filled by the
 * host (`runs.selectWithPt`) from the store; the engine never reads the store.
 */
export const PtSource = z
  .object({
    runId: z.number().int().positive(),
    /** The source run's full stored config (checked by the engine against the run-config schema). */
    config: z.record(z.string(), z.unknown()),
    checkpoint: z.object({ file: z.string().min(1), step: z.number().int().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  })
  .strict();
export type PtSource = z.infer<typeof PtSource>;

/**
 * DARTS-PT (Wang, Cheng, Chen, Tang and Hsieh, "Rethinking Architecture Selection in Differentiable
 * NAS", ICLR 2021; ruocwang/darts-pt `sota/cnn/train_search.py --dev proj`): the supernet is trained
 * as DARTS trains it (or with α never trained: `fixAlpha`, the authors' "blank"), then each edge's op
 * is the one whose removal hurts the validation accuracy most, edge after edge in random order with
 * `projectionInterval` epochs of fine-tuning between two decisions, then each node's two inputs the
 * same way. The authors' defaults: criterion `acc`, random edge order, `proj_intv` 10 (their scripts
 * pass 5), fine-tuning at a tenth of the weights' learning rate, cosine to `learningRateMin`.
 */
export const DartsPtConfig = z
  .object({
    algorithm: z.literal('darts-pt'),
    ...oneShotFields,
    fixAlpha: z.boolean().default(false).meta({ title: 'Fix α', description: 'Never train α: the supernet is trained with uniform edges and PT alone selects (the authors\' "blank" runs, 2.59 % on S2 C10 in the paper).' }),
    projectionInterval: z.number().int().min(0).max(1000).default(5).meta({ title: 'Fine-tune epochs between decisions', description: 'Epochs of supernet fine-tuning between two projection decisions (the authors\' proj_intv: 10 by default, 5 in their scripts); 0 decides every edge on the supernet as trained.' }),
    projectionCriterion: z.enum(['acc', 'loss']).default('acc').meta({ title: 'Projection criterion', description: 'What removing an op is judged by: the drop in validation accuracy (acc, the authors\' default) or the rise in validation loss.' }),
    source: PtSource.optional().meta({ title: 'Source run', description: 'Set by "Select with PT": project the supernet of this finished DARTS-family run instead of training one.' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    if (c.earlyStop) ctx.addIssue({ code: 'custom', path: ['earlyStop'], message: 'DARTS-PT selects by perturbation after the whole search; remove earlyStop (DARTS-ES) from a darts-pt run' });
    if (c.source && !(PT_SOURCE_ALGORITHMS as readonly unknown[]).includes(c.source.config.algorithm)) {
      ctx.addIssue({ code: 'custom', path: ['source', 'config', 'algorithm'], message: `Select with PT takes a finished run of ${PT_SOURCE_ALGORITHMS.join(', ')}; run ${c.source.runId} is '${String(c.source.config.algorithm)}'` });
    }
  });
export type DartsPtConfig = z.infer<typeof DartsPtConfig>;
