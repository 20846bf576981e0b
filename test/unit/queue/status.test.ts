import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Nb201TabularEvaluatorConfig, RegularizedEvolutionConfig } from '../../../src-shared/model/algorithms/blackbox';
import { QueueSetting } from '../../../src-shared/model/queue';
import type { QueueStatus } from '../../../src-shared/model/queue-status';
import { runQueueCommand } from '../../../src-main/cli/commands/queue';
import { connectionFor } from '../../../src-main/queue/connection';
import { datasetReferenceOf } from '../../../src-main/queue/dataset-ref';
import { EVALUATION_QUEUE, EvaluationJob, idempotencyKey, jobIdOf } from '../../../src-main/queue/job';
import { runKeyOf } from '../../../src-main/queue/queue-evaluator';
import { queueStatus } from '../../../src-main/queue/status';
import { runQueueStatus } from '../../../src-main/host/queue-status';
import { STORE_FILE } from '../../../src-main/host/paths';
import { openStore } from '../../../src-main/store';
import { startEvaluationWorker, type EvaluationWorker } from '../../../src-main/queue/worker';
import { freePort, startRedis, type RedisServer } from './processes';

/**
 * `queueStatus` against a real redis-server and the real worker code (in this process, so the test
 * stays seconds long): a job waits while no worker runs, a worker finishes it, a malformed job
 * fails with its reason, a delayed job shows as waiting to retry, and a worker that left is still
 * listed through the job it ran, with when it was last seen.
 */

const RUN = 'run-status-test';
const lookup = Nb201TabularEvaluatorConfig.parse({ kind: 'nb201-tabular' });
const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
const job = (runId: string, trialIndex: number) =>
  EvaluationJob.parse({
    runId,
    trialIndex,
    key: idempotencyKey(runId, trialIndex),
    genotype: { space: 'nb201', arch },
    evaluator: lookup,
    dataset: datasetReferenceOf(lookup, 'resources'),
    seed: 0,
    timeoutMs: 60_000,
  });

let redis: RedisServer;
let queue: Queue;
let worker: EvaluationWorker | null = null;

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue(EVALUATION_QUEUE, { connection: connectionFor(redis.url) });
});

afterAll(async () => {
  await worker?.close(true);
  await queue?.close();
  await redis?.stop();
});

const settled = async (runKey: string, count: number) => {
  for (let i = 0; i < 200; i++) {
    const s = await queueStatus(redis.url, runKey);
    if (s.jobs.length === count && s.jobs.every((j) => j.state === 'done' || j.state === 'failed')) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the jobs of ${runKey} did not finish`);
};

describe('queueStatus: what the queue holds, from Redis', () => {
  it('lists a run’s jobs in trial order with state, worker, attempts and reason, and the workers seen', async () => {
    await queue.add('evaluate', job(RUN, 0), { jobId: jobIdOf(idempotencyKey(RUN, 0)), attempts: 2 });
    const before = await queueStatus(redis.url, RUN);
    expect(before.jobs).toEqual([{ key: `${RUN}:0`, trialIndex: 0, state: 'waiting', worker: null, attempts: 0, reason: null }]);
    expect(before.workers).toEqual([]);
    expect(before.counts).toEqual({ waiting: 1, delayed: 0, active: 0, completed: 0, failed: 0 });

    // Trial 1 is not an evaluation job: the worker fails it at once, unretried, saying why.
    await queue.add('evaluate', { key: `${RUN}:1`, trialIndex: 1 }, { jobId: jobIdOf(idempotencyKey(RUN, 1)), attempts: 2 });
    // Trial 3 without a trial 2: the run's jobs are consecutive, so listing stops at the gap.
    await queue.add('evaluate', job(RUN, 3), { jobId: jobIdOf(idempotencyKey(RUN, 3)), delay: 3_600_000 });
    const started = Date.now();
    worker = await startEvaluationWorker({ redis: redis.url, concurrency: 1, resourcesDir: 'resources', log: () => {} });
    const after = await settled(RUN, 2);
    expect(after.jobs[0]).toEqual({ key: `${RUN}:0`, trialIndex: 0, state: 'done', worker: worker.id, attempts: 1, reason: null });
    expect(after.jobs[1]).toMatchObject({ key: `${RUN}:1`, trialIndex: 1, state: 'failed', attempts: 1 });
    expect(after.jobs[1].reason).toMatch(/is not an evaluation job/);
    expect(after.counts).toEqual({ waiting: 0, delayed: 1, active: 0, completed: 1, failed: 1 });
    expect(after.workers).toHaveLength(1);
    const seen = after.workers[0];
    expect(seen).toMatchObject({ name: worker.id, connected: true, jobs: 1 });
    expect(Date.parse(seen.lastSeen)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(seen.lastSeen)).toBeLessThanOrEqual(Date.parse(after.readAt) + 1000);

    // Without a run: the queue's live jobs (the delayed one) and its newest failed ones.
    const whole = await queueStatus(redis.url);
    expect(whole.runKey).toBeNull();
    expect(whole.jobs.map((j) => [j.key, j.state])).toEqual([[`${RUN}:3`, 'delayed'], [`${RUN}:1`, 'failed']]);

    // A worker that left is still seen through the job it finished, at that job's end.
    await worker.close();
    const finishedOn = (await queue.getJob(jobIdOf(idempotencyKey(RUN, 0))))!.finishedOn!;
    worker = null;
    const gone = await queueStatus(redis.url, RUN);
    expect(gone.workers).toEqual([{ name: seen.name, connected: false, lastSeen: new Date(finishedOn).toISOString(), jobs: 1 }]);
  });

  it('`queue status` prints the same reading', async () => {
    const lines: string[] = [];
    expect(await runQueueCommand(['status', '--redis', redis.url], (s) => lines.push(s))).toBe(0);
    expect(lines[0]).toBe(`${redis.url}: 0 waiting, 0 active, 1 done, 1 failed, 1 waiting to retry`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  failed +${RUN}:1  attempt 1: job ${RUN}-1 is not an evaluation job`)));
    // Without a run only live and failed jobs are listed: the worker that left finished none of them.
    expect(lines.at(-1)).toBe('workers: none seen');
  });

  it('names an active job’s worker from its progress, and reads a job finished on its second attempt as retried', async () => {
    // A worker of BullMQ's own that holds trial 0 until released and fails trial 1's first attempt.
    const RAW = 'run-status-raw';
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const raw = new Worker(
      EVALUATION_QUEUE,
      async (j: Job) => {
        await j.updateProgress({ worker: 'probe:1' });
        if (j.data.trialIndex === 0) await held;
        else if (j.attemptsStarted < 2) throw new Error('the first attempt was lost');
        return { key: j.data.key, metric: 1, cost: 1, worker: 'probe:1', host: 'probe', attempt: j.attemptsStarted };
      },
      { connection: connectionFor(redis.url), name: 'probe:1', concurrency: 2 },
    );
    try {
      for (const i of [0, 1]) await queue.add('evaluate', job(RAW, i), { jobId: jobIdOf(idempotencyKey(RAW, i)), attempts: 2 });
      let status = await queueStatus(redis.url, RAW);
      for (let i = 0; i < 200 && status.jobs.map((j) => j.state).join() !== 'active,retried'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await queueStatus(redis.url, RAW);
      }
      expect(status.jobs).toEqual([
        { key: `${RAW}:0`, trialIndex: 0, state: 'active', worker: 'probe:1', attempts: 1, reason: null },
        { key: `${RAW}:1`, trialIndex: 1, state: 'retried', worker: 'probe:1', attempts: 2, reason: 'the first attempt was lost' },
      ]);
      expect(status.counts.active).toBe(1);
      expect(status.workers).toEqual([{ name: 'probe:1', connected: true, lastSeen: status.readAt, jobs: 2 }]);
    } finally {
      release();
      await raw.close();
    }
  });

  it('reads a stored run’s own queue: `queue status --run` and the dashboard’s queue.status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-queue-status-'));
    const store = openStore(join(dir, STORE_FILE));
    try {
      const experimentId = store.experiments.getOrCreateDefault().id;
      const create = <C extends { algorithm: string; seed: number }>(config: C) => store.runs.create({ experimentId, name: config.algorithm, algorithm: config.algorithm, config, seed: config.seed });
      const queued = RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 5, seed: 3, queue: { redis: redis.url } });
      const local = create(RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 5, seed: 3 }));
      const run = create(queued);
      const gone = create({ ...queued, queue: QueueSetting.parse({ redis: `redis://:pw@127.0.0.1:${await freePort()}` }) });
      // The key the engine's QueueEvaluator gives this run's jobs (createQueuedEvaluator).
      const key = runKeyOf(queued, datasetReferenceOf(queued.evaluator, 'resources'));
      await queue.add('evaluate', job(key, 0), { jobId: jobIdOf(idempotencyKey(key, 0)) });

      const printed: string[] = [];
      expect(await runQueueCommand(['status', '--run', String(run.id), '--data-dir', dir, '--json'], (s) => printed.push(s))).toBe(0);
      const status = JSON.parse(printed[0]) as QueueStatus;
      expect(status.runKey).toBe(key);
      expect(status.jobs).toEqual([{ key: `${key}:0`, trialIndex: 0, state: 'waiting', worker: null, attempts: 0, reason: null }]);
      await expect(runQueueCommand(['status', '--run', String(local.id), '--data-dir', dir], () => {})).rejects.toThrow(`run ${local.id} evaluated locally: it has no queue setting`);

      const answer = await runQueueStatus(store, run.id, 'resources');
      expect(answer.reachable && answer.status.jobs).toEqual(status.jobs);
      const unreachable = await runQueueStatus(store, gone.id, 'resources');
      expect(unreachable).toMatchObject({ reachable: false, url: expect.stringMatching(/^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+$/) });
      expect(!unreachable.reachable && unreachable.error).toMatch(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: connect ECONNREFUSED/);
      await expect(runQueueStatus(store, local.id, 'resources')).rejects.toThrow(`run ${local.id} evaluates locally: it has no queue setting`);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says it cannot reach Redis when nothing listens at the URL', async () => {
    await expect(queueStatus(`redis://127.0.0.1:${await freePort()}`)).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: connect ECONNREFUSED/);
  });
});
