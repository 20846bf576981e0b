import { z } from 'zod';

/**
 * A DARTS-space cell as DARTS's `Genotype`: per intermediate node two `[op, input]` pairs, inputs
 * 0 and 1 being the two previous cells' outputs and 2.. the earlier intermediate nodes.
 */
export const DartsGenotype = z
  .object({
    space: z.literal('darts'),
    normal: z.array(z.tuple([z.string().min(1), z.number().int().min(0)])).min(1),
    normal_concat: z.array(z.number().int().min(0)).min(1),
    reduce: z.array(z.tuple([z.string().min(1), z.number().int().min(0)])).min(1),
    reduce_concat: z.array(z.number().int().min(0)).min(1),
  })
  .strict();
export type DartsGenotype = z.infer<typeof DartsGenotype>;

/** A NAS-Bench-201 cell, by its canonical arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. */
export const Nb201Genotype = z
  .object({
    space: z.literal('nb201'),
    arch: z.string().regex(/^\|[a-z0-9_]+~0\|\+\|[a-z0-9_]+~0\|[a-z0-9_]+~1\|\+\|[a-z0-9_]+~0\|[a-z0-9_]+~1\|[a-z0-9_]+~2\|$/, {
      message: 'an NB201 arch string looks like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|',
    }),
  })
  .strict();
export type Nb201Genotype = z.infer<typeof Nb201Genotype>;

export const Genotype = z.discriminatedUnion('space', [DartsGenotype, Nb201Genotype]);
export type Genotype = z.infer<typeof Genotype>;
