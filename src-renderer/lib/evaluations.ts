import { z } from 'zod';
import { Placement } from '../../src-shared/model/queue';
import type { ArtifactRecord } from '../../src-shared/model/records';

/** One `evaluation` artifact of a black-box run (src-main/engine/search/blackbox/query-log.ts). */
export const EvaluationArtifact = z.object({
  arch: z.string(),
  metric: z.number(),
  cost: z.number(),
  test: z.number().optional(),
  /** The queue worker that ran it (docs/queue.md); absent when evaluated locally. */
  placement: Placement.optional(),
});

export type EvaluationRow = z.infer<typeof EvaluationArtifact> & {
  /** The query number (1-based): the artifact's step. */
  query: number;
  /** The best metric up to and including this query (the incumbent). */
  bestSoFar: number;
  /** This query set a new best. */
  improved: boolean;
};

/** Evaluation artifacts in query order with the incumbent after each; malformed records are skipped. */
export function evaluationRows(records: readonly ArtifactRecord[]): EvaluationRow[] {
  const rows: EvaluationRow[] = [];
  let best = -Infinity;
  for (const r of [...records].sort((a, b) => a.step - b.step)) {
    const parsed = EvaluationArtifact.safeParse(r.data);
    if (!parsed.success) continue;
    const improved = parsed.data.metric > best;
    if (improved) best = parsed.data.metric;
    rows.push({ ...parsed.data, query: r.step, bestSoFar: best, improved });
  }
  return rows;
}

/** Where an evaluation ran, as the tables show it: `host:pid`, with the attempts when it was retried. */
export function placementText(p: Placement | undefined): string {
  if (!p) return 'local';
  return p.state === 'retried' ? `${p.worker} (retried, ${p.attempts} attempts)` : p.worker;
}

/** An evaluation run's `evaluation.placement` artifact (src-main/queue/seed-strategy.ts): the worker, and the step its last attempt resumed from. */
export const SeedPlacement = Placement.extend({ resumedFrom: z.number().int().min(0) });
export type SeedPlacement = z.infer<typeof SeedPlacement>;

/** "vm:4242 (retried, 2 attempts), resumed at step 16": where a queued evaluation run trained. */
export function seedPlacementText(p: SeedPlacement): string {
  return placementText(p) + (p.resumedFrom > 0 ? `, resumed at step ${p.resumedFrom}` : '');
}
