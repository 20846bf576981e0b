import { z } from 'zod';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/**
 * NASP (Yao, Xu, Tu and Zhu, "Efficient Neural Architecture Search via Proximal Iterations", AAAI
 * 2020; AutoML-Research/NASP-codes `train_search.py`): proximal iterations. Each edge's row of α is
 * projected onto one nonzero entry in [0, 1] (prox of C1 ∩ C2); the forward passes run that discrete
 * architecture (the weights' step computes only the kept op of each edge), the gradient w.r.t. the
 * discrete architecture updates the continuous α by Adam, and α is clipped to [0, 1] after each
 * update. The authors' defaults are DARTS's (α's Adam at 3e-4, β (0.5, 0.999), weight decay 1e-3),
 * α starts at 0.5 and their size penalty `--l2` is 0.
 */
export const NaspConfig = z
  .object({
    algorithm: z.literal('nasp'),
    ...oneShotFields,
    sizePenalty: z.number().min(0).max(100).default(0).meta({
      title: 'Size penalty',
      description: 'λ of λ·Σ ā²·(op\'s share of the edge\'s parameters) on α\'s loss, the authors\' --l2; 0: none (their default)',
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('NASP')(c, ctx);
  });
export type NaspConfig = z.infer<typeof NaspConfig>;
