import { describe, expect, it } from 'vitest';
import { evaluationRows, placementText, SeedPlacement, seedPlacementText } from '../../../src-renderer/lib/evaluations';
import { formatTrials, trialPlacements } from '../../../src-main/cli/commands/queue';

/** Three stored evaluation artifacts of a queued run, as the query log writes them (one retried on a second worker). */
const records = [
  { runId: 1, kind: 'evaluation', step: 1, data: { arch: 'a1', metric: 70, cost: 1, placement: { worker: 'gpu1:10', host: 'gpu1', attempts: 1, state: 'done' } } },
  { runId: 1, kind: 'evaluation', step: 2, data: { arch: 'a2', metric: 85, cost: 1, placement: { worker: 'gpu2:20', host: 'gpu2', attempts: 2, state: 'retried' } } },
  { runId: 1, kind: 'evaluation', step: 3, data: { arch: 'a3', metric: 80, cost: 1, placement: { worker: 'gpu1:10', host: 'gpu1', attempts: 1, state: 'done' } } },
];

describe('where a queued run\'s evaluations ran', () => {
  it('the run page\'s table says which worker ran each query, and when it was retried', () => {
    expect(evaluationRows(records).map((r) => placementText(r.placement))).toEqual(['gpu1:10', 'gpu2:20 (retried, 2 attempts)', 'gpu1:10']);
    expect(placementText(evaluationRows([{ ...records[0], data: { arch: 'a', metric: 1, cost: 1 } }])[0].placement)).toBe('local');
  });

  it('an evaluation run\'s page says where it trained and the step a retry resumed from', () => {
    // As seed-strategy.ts stores it: the placement and the resumed step of the finishing attempt.
    const stored = { worker: 'gpu2:20', host: 'gpu2', attempts: 2, state: 'retried', resumedFrom: 16 };
    expect(seedPlacementText(SeedPlacement.parse(stored))).toBe('gpu2:20 (retried, 2 attempts), resumed at step 16');
    expect(seedPlacementText(SeedPlacement.parse({ worker: 'gpu1:10', host: 'gpu1', attempts: 1, state: 'done', resumedFrom: 0 }))).toBe('gpu1:10');
    expect(SeedPlacement.safeParse({ worker: 'gpu1:10', host: 'gpu1', attempts: 1, state: 'done' }).success).toBe(false);
  });

  it('`queue trials` counts the retried evaluations and the evaluations per worker', () => {
    const lines = formatTrials(trialPlacements(records));
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^ +2 +85\.000  gpu2:20 +retried  2 attempts  a2$/);
    expect(lines[3]).toBe('3 evaluations, 1 retried; workers seen: gpu1:10 (2), gpu2:20 (1)');
  });
});
