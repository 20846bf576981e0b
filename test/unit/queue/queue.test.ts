import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomSearchConfig, RegularizedEvolutionConfig, type BlackBoxConfig } from '../../../src-shared/model/algorithms/blackbox';
import type { Genotype } from '../../../src-shared/model/genotype';
import { QueueSetting, type Placement } from '../../../src-shared/model/queue';
import type { QueueStatus } from '../../../src-shared/model/queue-status';
import { Rng } from '../../../src-shared/model/rng';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { blackBoxFactory } from '../../../src-main/engine/search/blackbox/factory';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { connectionFor } from '../../../src-main/queue/connection';
import { datasetReferenceOf } from '../../../src-main/queue/dataset-ref';
import { EVALUATION_QUEUE, type EvaluationJob } from '../../../src-main/queue/job';
import { QueueEvaluator, runKeyOf } from '../../../src-main/queue/queue-evaluator';
import { formatTrials, runQueueCommand, type TrialPlacement } from '../../../src-main/cli/commands/queue';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from './processes';

/**
 * The distributed evaluation queue end to end: Debian's redis-server on a free loopback port,
 * three `worker` processes of the real CLI, and black-box searches whose evaluations go through
 * the queue, compared with the same searches evaluated locally. Workers are SIGKILLed mid-run; a
 * dead worker's job comes back through BullMQ's stalled-job check (3 s locks here, 30 s by default).
 */

const LOCK_MS = 3000;
let redis: RedisServer;
let workers: WorkerProcess[] = [];
let queue: Queue;

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([0, 1, 2].map(() => startWorker(redis.url, ['--lock-ms', String(LOCK_MS)])));
  queue = new Queue(EVALUATION_QUEUE, { connection: connectionFor(redis.url) });
});

afterAll(async () => {
  await queue?.close();
  for (const w of workers) w.kill();
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
});

interface Recorded {
  step: number;
  arch: string;
  metric: number;
  cost: number;
  test?: number;
  placement?: Placement;
}

/** Runs a black-box config to its end in this process, as the engine would, and keeps what it reported. */
async function search(config: BlackBoxConfig, onEvaluation: (count: number) => void = () => {}): Promise<{ evaluations: Recorded[]; final: Genotype | null }> {
  const evaluations: Recorded[] = [];
  const reporter: Reporter = {
    metrics() {},
    genotype() {},
    log() {},
    progress() {},
    artifact(kind, step, data) {
      if (kind !== 'evaluation') return;
      evaluations.push({ step, ...(data as Omit<Recorded, 'step'>) });
      onEvaluation(evaluations.length);
    },
  };
  const strategy = await blackBoxFactory({ config, rng: new Rng(config.seed), reporter, resourcesDir: 'resources' });
  try {
    for (let done = false; !done; ) ({ done } = await strategy.step());
    return { evaluations, final: strategy.genotype() };
  } finally {
    strategy.dispose();
  }
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

const withoutPlacement = (e: Recorded) => ({ step: e.step, arch: e.arch, metric: e.metric, cost: e.cost, test: e.test });

async function jobsOf(runId: string, state: 'completed' | 'failed') {
  return (await queue.getJobs([state])).filter((j) => (j.data as EvaluationJob).runId === runId);
}

describe('black-box search on the NAS-Bench-201 lookup through the queue', () => {
  const config = RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 20, populationSize: 8, sampleSize: 3, seed: 11 });

  it('gives the local result with every trial recorded once, though a worker is killed mid-run', async () => {
    const local = await search(config);
    const queued = { ...config, queue: QueueSetting.parse({ redis: redis.url, backoffMs: 100 }) };
    const victim = workers[0];
    const remote = await search(queued, (n) => n === 6 && victim.kill());
    expect(await victim.exited).toBeNull(); // ended by the signal

    expect(remote.evaluations.map(withoutPlacement)).toEqual(local.evaluations.map(withoutPlacement));
    expect(remote.final).toEqual(local.final);
    expect(remote.evaluations.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const ids = new Set(workers.map((w) => w.id));
    for (const e of remote.evaluations) expect(ids.has(e.placement!.worker), JSON.stringify(e.placement)).toBe(true);

    // Redis holds one finished job per trial, keyed runKey:trialIndex, and none failed.
    const runId = runKeyOf(queued, datasetReferenceOf(config.evaluator, 'resources'));
    const done = await jobsOf(runId, 'completed');
    expect(done.map((j) => (j.data as EvaluationJob).trialIndex).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await jobsOf(runId, 'failed')).toEqual([]);

    // At-least-once made safe: the same run again (a resumed run, a second delivery) adds no job and gets the same answers.
    const again = await search(queued);
    expect(again.evaluations.map(withoutPlacement)).toEqual(local.evaluations.map(withoutPlacement));
    expect(await jobsOf(runId, 'completed')).toHaveLength(20);
  });

  it('runs a queued search through the engine process of `cli run`; `queue trials` and `queue status` show where it ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-queue-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, JSON.stringify({ algorithm: 'random', budget: 4, seed: 2, queue: { redis: redis.url } }));
      const run = spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', 'run', '--config', file, '--data-dir', dir], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const alive = workers.filter((w) => w.child.signalCode === null).map((w) => w.id);

      const printed: string[] = [];
      expect(await runQueueCommand(['trials', '1', '--json', '--data-dir', dir], (s) => printed.push(s))).toBe(0);
      const trials = JSON.parse(printed[0]) as TrialPlacement[];
      expect(trials.map((t) => t.step)).toEqual([1, 2, 3, 4]);
      for (const t of trials) expect(alive).toContain(t.placement?.worker);
      expect(formatTrials(trials).at(-1)).toMatch(/^4 evaluations, 0 retried; workers seen: \S+:\d+ \(\d\)/);

      printed.length = 0;
      expect(await runQueueCommand(['status', '--redis', redis.url, '--json'], (s) => printed.push(s))).toBe(0);
      const status = JSON.parse(printed[0]) as QueueStatus;
      expect(status.workers.filter((w) => w.connected).map((w) => w.name).sort()).toEqual([...alive].sort());
      expect(status.jobs.filter((j) => j.state === 'active')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records a key once: a second completion of the same trial is ignored', async () => {
    const evaluator = await QueueEvaluator.open({
      setting: QueueSetting.parse({ redis: redis.url }),
      evaluator: config.evaluator,
      seed: 0,
      runId: 'run-record-once',
      dataset: datasetReferenceOf(config.evaluator, 'resources'),
      name: 'record-once',
      costUnit: 'queries',
    });
    try {
      const first = evaluator.record('run-record-once:4', { key: 'run-record-once:4', metric: 91.5, cost: 1, worker: 'a:1', host: 'a', attempt: 1 });
      const second = evaluator.record('run-record-once:4', { key: 'run-record-once:4', metric: 12, cost: 1, worker: 'b:2', host: 'b', attempt: 2 });
      expect(second).toBe(first);
      expect(evaluator.placements().get('run-record-once:4')).toEqual({ worker: 'a:1', host: 'a', attempts: 1, state: 'done' });
      expect(() => evaluator.record('run-record-once:5', { key: 'run-record-once:6', metric: 1, cost: 1, worker: 'a:1', host: 'a', attempt: 1 })).toThrow(/belongs to another evaluation/);
    } finally {
      await evaluator.close();
    }
  });

  it('fails an evaluation whose dataset differs on the workers, saying so', async () => {
    const evaluator = await QueueEvaluator.open({
      setting: QueueSetting.parse({ redis: redis.url, attempts: 1 }),
      evaluator: config.evaluator,
      seed: 0,
      runId: 'run-wrong-data',
      dataset: { path: '@resources/nb201/cifar10.json', sha256: '0'.repeat(64) },
      name: 'wrong-data',
      costUnit: 'queries',
    });
    try {
      const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
      await expect(evaluator.evaluate({ space: 'nb201', arch }, { index: 0 })).rejects.toThrow(/sha256 [0-9a-f]{12}…, the run's is 000000000000…: give this worker the same files/);
    } finally {
      await evaluator.close();
    }
  });
});

describe('short trainings on the embedded Fashion-MNIST through the queue', () => {
  const config = RandomSearchConfig.parse({
    algorithm: 'random',
    budget: 3,
    seed: 5,
    evaluator: { kind: 'nb201-train', dataset: { name: 'embedded', trainLimit: 200 }, channels: 4, cellsPerStage: 1, batchSize: 16, epochs: 1, batchesPerEpoch: 4 },
  });

  it('retries the job of a worker killed mid-training elsewhere and gives the local result', async () => {
    await selectBackend(); // the workers' choice: the same kernels compute the same numbers
    const local = await search(config);

    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    let victim: { worker: WorkerProcess; key: string } | null = null;
    let searching = true;
    const watch = (async () => {
      while (searching && victim === null) {
        for (const job of await queue.getJobs(['active'])) {
          const progress = job.progress as { worker?: string; phase?: string };
          const worker = alive.find((w) => w.id === progress.worker);
          if (worker && progress.phase === 'evaluating' && victim === null) {
            victim = { worker, key: (job.data as EvaluationJob).key };
            worker.kill();
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const remote = await search({ ...config, queue: QueueSetting.parse({ redis: redis.url, backoffMs: 100 }) });
    searching = false;
    await watch;

    expect(remote.evaluations.map(withoutPlacement)).toEqual(local.evaluations.map(withoutPlacement));
    expect(remote.final).toEqual(local.final);
    expect(victim).not.toBeNull();
    const { worker, key } = victim!;
    const retried = remote.evaluations[Number(key.split(':')[1])];
    expect(retried.placement!.worker).not.toBe(worker.id);
    expect(retried.placement!.attempts).toBeGreaterThanOrEqual(2);
    expect(retried.placement!.state).toBe('retried');
  });

  it('a worker stops on SIGTERM, exit code 0', async () => {
    const last = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    last.terminate();
    expect(await last.exited).toBe(0);
    expect(last.output()).toMatch(/SIGTERM: finishing the active jobs[\s\S]*stopped/);
  });
});
