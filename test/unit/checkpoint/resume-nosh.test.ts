import { beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { checkpointEveryFor } from '../../../src-main/engine/checkpoint/resume';
import { initBackends } from '../backend/compare';
import { expectResumeExact } from './harness';

beforeAll(initBackends);

/**
 * A killed NOSH run resumes exactly (harness.ts: every report after the checkpointed step, and the
 * answer, equal the uninterrupted run's): the pyramid, the climbing cell, the Rng that feeds the
 * proposer and the ranker, and the paused cells' trainings are all in the state.
 */
describe('resume of NOSH and Rank-NOSH', () => {
  it('Rank-NOSH on learning curves continues exactly, mid-climb and after a round of proposals', async () => {
    const config = {
      algorithm: 'rank-nosh',
      evaluator: { kind: 'nb201-curves', dataset: 'cifar10' },
      levels: [2, 6, 200],
      budget: 60,
      batch: 4,
      seed: 3,
      ranker: { hidden: [6], epochs: 3, numCandidates: 12, maxPairs: 50 },
    };
    const { totalSteps } = await expectResumeExact(config, [1, 8, 9, 30, 59]);
    expect(totalSteps).toBe(60);
  });

  it('NOSH with resumable training continues exactly: paused networks, momentum and batch positions restored', async () => {
    const config = {
      algorithm: 'nosh',
      evaluator: { kind: 'nb201-train', dataset: { name: 'embedded', trainLimit: 400 }, channels: 2, cellsPerStage: 1, batchSize: 16, batchesPerEpoch: 3, epochs: 2 },
      levels: [1, 2],
      budget: 6,
      batch: 3,
      seed: 5,
    };
    await expectResumeExact(config, [1, 3, 4]);
  });
});

describe('checkpoint cadence of NOSH', () => {
  it('every 200 looked-up epochs on learning curves, every trained epoch with nb201-train', () => {
    expect(checkpointEveryFor(RunConfig.parse({ algorithm: 'rank-nosh' }))).toBe(200);
    expect(checkpointEveryFor(RunConfig.parse({ algorithm: 'nosh', evaluator: { kind: 'nb201-train', epochs: 2 }, levels: [1, 2] }))).toBe(1);
  });
});
