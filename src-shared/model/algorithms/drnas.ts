import { z } from 'zod';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/**
 * DrNAS (Chen, Wang, Cheng, Tang and Hsieh, "DrNAS: Dirichlet Neural Architecture Search", ICLR
 * 2021; xiangning-chen/DrNAS): each edge's op weights are a Dirichlet draw with concentration
 * elu(β) + 1, drawn afresh for every forward of the search, β learned through the pathwise
 * gradient, plus `klScale`·KL(Dir(elu(β) + 1) ‖ Dir(`klPrior`)) on α's loss (the authors'
 * `reg_type kl`, `reg_scale` 1e-3; `klScale` 0 leaves their default L2 alone, `archWeightDecay`).
 * The genotype is the arg-max of softmax(β), as theirs. First order only here.
 */
export const DrnasConfig = z
  .object({
    algorithm: z.literal('drnas'),
    ...oneShotFields,
    klScale: z.number().min(0).default(1e-3).meta({ title: 'KL weight', description: 'weight of KL(Dir(elu(β) + 1) ‖ Dir(prior)) on α\'s loss; 0: the plain L2 of archWeightDecay' }),
    klPrior: z.number().positive().default(1).meta({ title: 'Prior concentration' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('DrNAS')(c, ctx);
  });
export type DrnasConfig = z.infer<typeof DrnasConfig>;
