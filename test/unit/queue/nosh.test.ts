import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RankNoshConfig } from '../../../src-shared/model/algorithms/nosh';
import type { Genotype } from '../../../src-shared/model/genotype';
import { QueueSetting } from '../../../src-shared/model/queue';
import { Rng } from '../../../src-shared/model/rng';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { noshFactory } from '../../../src-main/engine/search/blackbox/nosh-factory';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import type { CellJob, CellResult } from '../../../src-main/queue/cell-job';
import { connectionFor } from '../../../src-main/queue/connection';
import { EVALUATION_QUEUE } from '../../../src-main/queue/job';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from './processes';

/**
 * Rank-NOSH's pausable trainings through the queue: Debian's redis-server, two `worker` processes
 * of the real CLI, and a Rank-NOSH run whose cells train on the embedded Fashion-MNIST as jobs
 * (one per rung of a cell), compared with the same run trained in this process.
 */

let redis: RedisServer;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([0, 1].map(() => startWorker(redis.url, ['--lock-ms', '3000'])));
  await selectBackend(); // the workers' choice: the same kernels compute the same numbers
});

afterAll(async () => {
  for (const w of workers) w.kill();
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
});

/** Runs a NOSH config to its end as the engine would; keeps each rung it reported and its answer. */
async function search(config: RankNoshConfig): Promise<{ levels: unknown[]; final: Genotype | null }> {
  const levels: unknown[] = [];
  const reporter: Reporter = { metrics() {}, genotype() {}, log() {}, progress() {}, artifact: (kind, _step, data) => void (kind === 'nosh.level' && levels.push(data)) };
  const strategy = await noshFactory({ config, rng: new Rng(config.seed), reporter, resourcesDir: 'resources' });
  try {
    for (let done = false; !done; ) ({ done } = await strategy.step());
    return { levels, final: strategy.genotype() };
  } finally {
    strategy.dispose();
  }
}

describe('Rank-NOSH\'s pausable trainings as queue jobs', () => {
  const config = RankNoshConfig.parse({
    algorithm: 'rank-nosh',
    seed: 3,
    budget: 10,
    batch: 4,
    levels: [1, 2],
    ranker: { hidden: [8], epochs: 3, maxPairs: 50, numCandidates: 20 },
    evaluator: { kind: 'nb201-train', dataset: { name: 'embedded', trainLimit: 200 }, channels: 4, cellsPerStage: 1, batchSize: 16, epochs: 2, batchesPerEpoch: 3 },
  });

  it('scores every rung as the local run does; a cell\'s second rung goes on from the paused state its first left in Redis', async () => {
    const local = await search(config);
    const queued = await search({ ...config, queue: QueueSetting.parse({ redis: redis.url, backoffMs: 100 }) });
    expect(queued.levels).toEqual(local.levels);
    expect(queued.final).toEqual(local.final);
    const rungs = (local.levels as { epochs: number }[]).filter((l) => l.epochs > 0);
    expect(rungs.filter((l) => l.epochs === 2).length).toBeGreaterThan(0); // some cells reached the second rung

    const queue = new Queue(EVALUATION_QUEUE, { connection: connectionFor(redis.url) });
    try {
      const jobs = (await queue.getJobs(['completed'])).filter((j) => j.name === 'train-cell');
      expect(jobs).toHaveLength(rungs.length); // one job per trained rung reached
      for (const job of jobs) {
        const { epochs } = job.data as CellJob;
        const result = job.returnvalue as CellResult;
        // The first rung starts a fresh network; the second loads the first's state (1 epoch).
        expect(result.resumedFrom).toBe(epochs - 1);
        expect(workers.map((w) => w.id)).toContain(result.worker);
      }
    } finally {
      await queue.close();
    }
  });
});
