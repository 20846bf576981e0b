import { z } from 'zod';
import type { SearchSpace } from '../space';
import { checkOneShot, oneShotFields, refuseUnrolled } from './one-shot';

/**
 * DrNAS's progressive learning (the authors' `train_search_progressive.py` on NAS-Bench-201 and
 * `DARTS-space/train_search.py`): a first stage on 1/K₁ of each edge's channels with every op, then
 * each edge keeps its `keepOps` ops of highest Dirichlet concentration and the ops widen to 1/K₂ of
 * the channels (new channels copy existing ones, as their `net2wider`) for the rest of the epochs.
 * α is still for the first `archWarmupEpochs` of each stage (`if epoch >= 10`, the stage's own epoch
 * count). Their settings: DARTS space K 6 → 4, 7 → 4 ops (no `none`), 25 + 25 epochs; NAS-Bench-201 K 4 → 2,
 * 5 → 3 ops, 50 + 50. Two stages, as theirs. The defaults take their NAS-Bench-201 K (4 → 2), which
 * divides the default C = 16 (6 → 4 needs C divisible by 12, their C = 36), and their DARTS-space
 * kept ops (4) and epochs (25 of 50); on NAS-Bench-201 set keepOps 3 for theirs (the default 4 of 5
 * is valid there too). Both spaces: K divides C, and keepOps is below the ops of an edge.
 */
export const DrnasProgressive = z
  .object({
    firstPartialChannels: z.number().int().min(1).max(16).default(4).meta({ title: 'K of the first stage', description: 'the ops see 1/K of each edge\'s channels' }),
    secondPartialChannels: z.number().int().min(1).max(16).default(2).meta({ title: 'K of the second stage', description: 'at most the first stage\'s K: the ops widen' }),
    keepOps: z.number().int().min(1).default(4).meta({ title: 'Ops kept per edge', description: 'for the second stage, those of highest Dirichlet concentration elu(β) + 1' }),
    firstStageEpochs: z.number().int().min(1).default(25).meta({ title: 'Epochs of the first stage', description: 'the rest of the search\'s epochs is the second stage' }),
    archWarmupEpochs: z.number().int().min(0).default(10).meta({ title: 'α still for (epochs of each stage)' }),
  })
  .strict();
export type DrnasProgressive = z.infer<typeof DrnasProgressive>;

/**
 * DrNAS (Chen, Wang, Cheng, Tang and Hsieh, "DrNAS: Dirichlet Neural Architecture Search", ICLR
 * 2021; xiangning-chen/DrNAS): each edge's op weights are a Dirichlet draw with concentration
 * elu(β) + 1, drawn afresh for every forward of the search, β learned through the pathwise
 * gradient, plus `klScale`·KL(Dir(elu(β) + 1) ‖ Dir(`klPrior`)) on α's loss (the authors'
 * `reg_type kl`, `reg_scale` 1e-3; `klScale` 0 leaves their default L2 alone, `archWeightDecay`).
 * The genotype is the arg-max of softmax(β), as theirs. First order only here. `progressive`: the
 * progressive variant (above), on the DARTS cell space and on NAS-Bench-201's.
 */
export const DrnasConfig = z
  .object({
    algorithm: z.literal('drnas'),
    ...oneShotFields,
    klScale: z.number().min(0).default(1e-3).meta({ title: 'KL weight', description: 'weight of KL(Dir(elu(β) + 1) ‖ Dir(prior)) on α\'s loss; 0: the plain L2 of archWeightDecay' }),
    klPrior: z.number().positive().default(1).meta({ title: 'Prior concentration' }),
    progressive: DrnasProgressive.optional().meta({ title: 'Progressive (partial channels, op pruning)' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    refuseUnrolled('DrNAS')(c, ctx);
    if (c.progressive) checkProgressive(c.progressive, c, ctx);
  });
export type DrnasConfig = z.infer<typeof DrnasConfig>;

function checkProgressive(p: DrnasProgressive, c: { epochs: number; space: SearchSpace }, ctx: z.RefinementCtx): void {
  const issue = (field: keyof DrnasProgressive, message: string) => ctx.addIssue({ code: 'custom', path: ['progressive', field], message });
  const { channels } = c.space;
  for (const field of ['firstPartialChannels', 'secondPartialChannels'] as const) {
    if (channels % p[field] !== 0) issue(field, `K=${p[field]} must divide the space's channels (${channels}): pick a divisor of ${channels}`);
  }
  if (p.secondPartialChannels > p.firstPartialChannels) issue('secondPartialChannels', `the second stage's K (${p.secondPartialChannels}) must not exceed the first's (${p.firstPartialChannels}): the ops widen between stages, never narrow`);
  const fewest = opsPerEdge(c.space);
  if (p.keepOps >= fewest) issue('keepOps', `keepOps (${p.keepOps}) must be below the ops of an edge (${fewest}), or nothing is pruned: keep at most ${fewest - 1}`);
  if (p.firstStageEpochs >= c.epochs) issue('firstStageEpochs', `firstStageEpochs (${p.firstStageEpochs}) must be below epochs (${c.epochs}), or there is no second stage`);
  const shortest = Math.min(p.firstStageEpochs, c.epochs - p.firstStageEpochs);
  if (p.archWarmupEpochs >= shortest) issue('archWarmupEpochs', `archWarmupEpochs (${p.archWarmupEpochs}) must be below each stage's epochs (the shorter has ${shortest}), or α never trains in it; the authors warm up 10 of 25`);
}

/** The fewest ops an edge of the space has (a DARTS space may give each edge its own list; NAS-Bench-201's edges share one). */
function opsPerEdge(space: SearchSpace): number {
  if (space.kind === 'nb201' || !space.edgeOps) return space.ops.length;
  return Math.min(...[...space.edgeOps.normal, ...space.edgeOps.reduce].map((ops) => ops.length));
}
