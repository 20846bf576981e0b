import { z } from 'zod';
import { checkOneShot, oneShotFields } from './one-shot';
import { dartsEdgeCount, type SearchSpace } from '../space';

/** NAS-Bench-201's cell has six edges (`1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2`). */
const NB201_EDGES = 6;

/**
 * Few-shot NAS (Zhao, Wang, Tian, Fonseca and Guo, "Few-shot Neural Architecture Search", ICML 2021;
 * aoiang/few-shot-NAS): DARTS on the one-shot supernet for `warmupEpochs`, then the supernet split on
 * one edge into one sub-supernet per op of that edge (the edge fixed to that op), each warm-started
 * with a copy of the one-shot weights (its α and optimizer state fresh) and searched by DARTS for
 * `epochs`, one after the other; the answer is the cell of the sub-supernet with the best final
 * validation accuracy. Defaults: the authors split edge 0 (`1<-0` on NAS-Bench-201, the first edge of
 * the normal cell on DARTS's space) into every op of it (5 on NAS-Bench-201, `none` included; on the
 * DARTS space `none` is left out, DARTS's parse never picks it: 7 sub-supernets); their supernets
 * train 600 epochs one-shot and 300 per sub-supernet from its weights, so `warmupEpochs` 50 (DARTS's
 * search) and 25 per sub-supernet keep that 2 : 1.
 */
export const FewshotConfig = z
  .object({
    algorithm: z.literal('fewshot'),
    ...oneShotFields,
    epochs: oneShotFields.epochs.unwrap().default(25)
      .meta({ title: 'Epochs per sub-supernet', description: 'DARTS epochs of each sub-supernet after the split' }),
    warmupEpochs: z.number().int().min(0).max(10_000).default(50)
      .meta({ title: 'One-shot warm-up epochs', description: 'DARTS epochs of the one-shot supernet before the split; its weights warm-start every sub-supernet' }),
    splitCell: z.enum(['normal', 'reduce']).default('normal')
      .meta({ title: 'Split cell', description: 'the cell type whose edge is split (NAS-Bench-201 has only normal)' }),
    splitEdge: z.number().int().min(0).default(0)
      .meta({ title: 'Split edge', description: 'the edge split into one sub-supernet per op (0: the first edge, as the authors)' }),
    splitOps: z.array(z.string().min(1)).min(2).optional()
      .meta({ title: 'Sub-supernet ops', description: 'the ops of the split edge that get a sub-supernet; empty: all (DARTS space: all but none)' }),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkOneShot(c, ctx);
    if (c.space.kind === 'nb201' && c.splitCell !== 'normal') {
      ctx.addIssue({ code: 'custom', path: ['splitCell'], message: "NAS-Bench-201 has one cell type: set splitCell to 'normal'" });
      return;
    }
    const edges = c.space.kind === 'nb201' ? NB201_EDGES : dartsEdgeCount(c.space.nodes);
    if (c.splitEdge >= edges) {
      ctx.addIssue({ code: 'custom', path: ['splitEdge'], message: `splitEdge ${c.splitEdge} is not an edge of the ${c.splitCell} cell: pick 0..${edges - 1}` });
      return;
    }
    const ops = splitEdgeOps(c);
    for (const [i, op] of (c.splitOps ?? []).entries()) {
      if (!ops.includes(op)) ctx.addIssue({ code: 'custom', path: ['splitOps', i], message: `'${op}' is not an op of the split edge (its ops: ${ops.join(', ')})` });
      else if (c.splitOps?.indexOf(op) !== i) ctx.addIssue({ code: 'custom', path: ['splitOps', i], message: `'${op}' is listed twice` });
    }
    if (!c.splitOps && subSupernetOps(c).length < 2) {
      ctx.addIssue({ code: 'custom', path: ['splitEdge'], message: `the split edge has fewer than two ops to split on (${ops.join(', ')}): pick an edge with more ops` });
    }
  });
export type FewshotConfig = z.infer<typeof FewshotConfig>;

type SplitOf = { space: SearchSpace; splitCell: 'normal' | 'reduce'; splitEdge: number; splitOps?: string[] };

/** Every candidate op of the split edge, in the edge's α order. */
export function splitEdgeOps(c: SplitOf): readonly string[] {
  if (c.space.kind === 'nb201') return c.space.ops;
  return c.space.edgeOps ? c.space.edgeOps[c.splitCell][c.splitEdge] ?? [] : c.space.ops;
}

/** The ops that get a sub-supernet, in the edge's order: `splitOps`, else every op (DARTS space: but `none`). */
export function subSupernetOps(c: SplitOf): string[] {
  const ops = splitEdgeOps(c);
  if (c.splitOps) return ops.filter((op) => c.splitOps?.includes(op));
  return c.space.kind === 'darts' ? ops.filter((op) => op !== 'none') : [...ops];
}

/** The metric key of a sub-supernet's figure: `fewshot.<op>.<figure>` (e.g. `fewshot.sep_conv_3x3.valid.acc`). */
export function subSupernetKey(op: string, figure: string): string {
  return `fewshot.${op}.${figure}`;
}

/**
 * The sub-supernet whose cell answers: the best last validation accuracy, ties by the lower loss,
 * then the earlier one; one without a figure (NaN) never wins over one with. Null for none.
 */
export function bestSubSupernet<R extends { validAcc: number; validLoss: number }>(results: readonly R[]): R | null {
  const better = (a: R, b: R) =>
    (Number.isNaN(b.validAcc) && !Number.isNaN(a.validAcc)) || a.validAcc > b.validAcc || (a.validAcc === b.validAcc && a.validLoss < b.validLoss);
  return results.reduce<R | null>((best, r) => (best === null || better(r, best) ? r : best), null);
}
