import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';
import { checkPartialChannels, partialChannelsField } from './pcdarts';

/**
 * SDARTS (Chen and Hsieh, "Stabilizing Differentiable Architecture Search via Perturbation-based
 * Regularization", ICML 2020; xiangning-chen/SmoothDARTS). DARTS whose weight step runs at a
 * perturbed architecture: the edge weights softmax(α) plus a perturbation of L∞ radius ε, clipped
 * back to the simplex. ε grows linearly over the epochs from `epsilonMin` to `epsilon` (the
 * authors' `0.03 + (epsilon_alpha − 0.03)·epoch/epochs`, epsilon_alpha 0.3). α's update is DARTS's.
 */
const perturbationFields = {
  ...oneShotFields,
  epsilon: z.number().positive().max(1).default(0.3).meta({ title: 'Perturbation radius at the end', description: 'L∞ radius ε on the edge weights, reached at the last epoch' }),
  epsilonMin: z.number().min(0).max(1).default(0.03).meta({ title: 'Perturbation radius at the start' }),
  /** K > 1: SDARTS on PC-DARTS (partial channels and edge normalization, as the SDARTS paper's table). */
  partialChannels: partialChannelsField.default(1).meta({ title: 'Partial channels K (PC-DARTS)', description: '1: the full DARTS edge; K > 1 runs SDARTS on PC-DARTS (1/K of the channels per edge, edge normalization)' }),
} as const;

function checkPerturbation(c: z.infer<z.ZodObject<typeof perturbationFields>>, ctx: z.RefinementCtx): void {
  checkOneShot(c, ctx);
  checkPartialChannels(c, ctx);
  if (c.epsilonMin > c.epsilon) ctx.addIssue({ code: 'custom', path: ['epsilonMin'], message: `epsilonMin (${c.epsilonMin}) must not exceed epsilon (${c.epsilon})` });
}

/** SDARTS-RS: uniform noise U(−ε, ε) on the edge weights of each weight step. */
export const SdartsRsConfig = z
  .object({ algorithm: z.literal('sdarts-rs'), ...perturbationFields })
  .strict()
  .superRefine(checkPerturbation);
export type SdartsRsConfig = z.infer<typeof SdartsRsConfig>;

/**
 * SDARTS-ADV: the edge weights of each weight step are the worst case found by `attackSteps` steps
 * of L∞ projected gradient ascent of the training loss within ε (random start, step 2ε/steps; the
 * authors' `Linf_PGD_alpha` with 7 steps).
 */
export const SdartsAdvConfig = z
  .object({ algorithm: z.literal('sdarts-adv'), ...perturbationFields, attackSteps: z.number().int().min(1).max(50).default(7).meta({ title: 'PGD steps', description: 'projected gradient ascent steps per weight step' }) })
  .strict()
  .superRefine(checkPerturbation);
export type SdartsAdvConfig = z.infer<typeof SdartsAdvConfig>;
