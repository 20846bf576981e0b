import { z } from 'zod';

/** The eight candidate operations of the DARTS cell space (DARTS, Liu et al. 2019), plus RobustDARTS's `noise`. */
export const DARTS_OPS = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;
export const DartsOp = z.enum([...DARTS_OPS, 'noise']);
export type DartsOp = z.infer<typeof DartsOp>;

/** The five operations of NAS-Bench-201 (Dong and Yang, ICLR 2020). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export const Nb201Op = z.enum(NB201_OPS);
export type Nb201Op = z.infer<typeof Nb201Op>;

/** DARTS/NASNet cell space. Defaults are the DARTS search network's. */
export const DartsSpace = z
  .object({
    kind: z.literal('darts').meta({ title: 'DARTS cell space' }),
    /** Candidate ops shared by every edge (ignored for edges listed in `edgeOps`). */
    ops: z.array(DartsOp).min(1).default([...DARTS_OPS]),
    /**
     * Per-edge op sets (RobustDARTS S1 gives each edge its own pair). Keyed `normal`/`reduce`, one
     * list per edge in DARTS edge order (node 0's two inputs, node 1's three, ...). Absent: `ops` everywhere.
     */
    edgeOps: z
      .object({ normal: z.array(z.array(DartsOp).min(1)), reduce: z.array(z.array(DartsOp).min(1)) })
      .optional(),
    nodes: z.number().int().min(1).max(8).default(4).meta({ title: 'Intermediate nodes', description: 'per cell; node i sums two of its 2 + i inputs' }),
    layers: z.number().int().min(1).max(32).default(8).meta({ title: 'Cells (layers)', description: 'reduction cells at layers//3 and 2·layers//3' }),
    channels: z.number().int().min(1).max(256).default(16).meta({ title: 'Initial channels', description: 'C of the first cells; even' }),
    stemMultiplier: z.number().int().min(1).max(8).default(3).meta({ title: 'Stem multiplier', description: 'the stem outputs this many times C channels' }),
  })
  .strict()
  .superRefine((space, ctx) => {
    for (const message of dartsSpaceProblems(space)) ctx.addIssue({ code: 'custom', message });
  });
export type DartsSpace = z.infer<typeof DartsSpace>;

/** Number of mixed edges of a DARTS cell with `nodes` intermediate nodes (node i has 2 + i inputs). */
export function dartsEdgeCount(nodes: number): number {
  return (nodes * (nodes + 3)) / 2;
}

/**
 * What makes a DARTS space unbuildable, in words a user can act on (empty when it is fine). The
 * schema checks each field; this checks how they fit together.
 */
export function dartsSpaceProblems(space: Pick<DartsSpace, 'ops' | 'edgeOps' | 'nodes' | 'channels'>): string[] {
  const problems: string[] = [];
  if (space.channels % 2 !== 0) {
    problems.push(`channels must be even (FactorizedReduce splits them in two halves), got ${space.channels}`);
  }
  const duplicated = (ops: readonly string[]) => ops.filter((op, i) => ops.indexOf(op) !== i);
  if (duplicated(space.ops).length) problems.push(`ops lists ${duplicated(space.ops).join(', ')} more than once`);
  if (space.edgeOps) {
    const edges = dartsEdgeCount(space.nodes);
    for (const kind of ['normal', 'reduce'] as const) {
      const lists = space.edgeOps[kind];
      if (lists.length !== edges) {
        problems.push(`edgeOps.${kind} has ${lists.length} edge lists, but a cell with ${space.nodes} nodes has ${edges} edges`);
      }
      lists.forEach((ops, e) => {
        if (duplicated(ops).length) problems.push(`edgeOps.${kind}[${e}] lists ${duplicated(ops).join(', ')} more than once`);
        if (ops.length !== lists[0].length) {
          problems.push(`edgeOps.${kind}: every edge needs the same number of ops (one row of alphas each); edge 0 has ${lists[0].length}, edge ${e} has ${ops.length}`);
        }
      });
    }
  }
  return problems;
}

/** NAS-Bench-201 cell space: 4 nodes, 6 edges, 5 cells per stage, residual reduction blocks. */
export const Nb201Space = z
  .object({
    kind: z.literal('nb201').meta({ title: 'NAS-Bench-201 cell space' }),
    ops: z.array(Nb201Op).min(1).default([...NB201_OPS]),
    cellsPerStage: z.number().int().min(1).max(16).default(5).meta({ title: 'Cells per stage (N)' }),
    channels: z.number().int().min(1).max(256).default(16).meta({ title: 'Initial channels', description: 'stages have C, 2C, 4C channels' }),
  })
  .strict()
  .superRefine((space, ctx) => {
    const dup = space.ops.filter((op, i) => space.ops.indexOf(op) !== i);
    if (dup.length) ctx.addIssue({ code: 'custom', path: ['ops'], message: `ops lists ${dup.join(', ')} more than once` });
  });
export type Nb201Space = z.infer<typeof Nb201Space>;

export const SearchSpace = z
  .discriminatedUnion('kind', [DartsSpace, Nb201Space])
  .meta({ title: 'Search space', description: 'the editor (Search spaces) builds any space, RobustDARTS\'s included, and saves it by name' });
export type SearchSpace = z.infer<typeof SearchSpace>;
