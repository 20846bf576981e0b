import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { QueueSetting } from '../../../src-shared/model/queue';
import { Rng } from '../../../src-shared/model/rng';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { createEvaluationStrategy } from '../../../src-main/engine/search/evaluation';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { decodeCheckpoint } from '../../../src-main/engine/checkpoint/file';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { connectionFor } from '../../../src-main/queue/connection';
import { EVALUATION_QUEUE } from '../../../src-main/queue/job';
import { checkpointKeyOf, type SeedJob, type SeedProgress } from '../../../src-main/queue/seed-job';
import { openStore } from '../../../src-main/store';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from './processes';

/**
 * Evaluation-run seeds as queue jobs, end to end: Debian's redis-server on a free loopback port,
 * two `worker` processes of the real CLI, and evaluation runs (tiny preset, embedded data, an
 * NB201 cell) whose training is a job, compared with the same seeds trained in this process.
 */

const LOCK_MS = 3000;
const CELL = { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|' } as const;
/** The tiny preset: 512 embedded images, 3 epochs of 16 batches of 32. */
const PER_EPOCH = 16;
let redis: RedisServer;
let workers: WorkerProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([0, 1].map(() => startWorker(redis.url, ['--lock-ms', String(LOCK_MS)])));
  await selectBackend(); // the workers' choice: the same kernels compute the same numbers
});

afterAll(async () => {
  for (const w of workers) w.kill();
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Trained {
  metrics: MetricPoint[];
  artifacts: Map<string, { step: number; data: Record<string, unknown> }>;
  /** The steps at which the strategy said an epoch ended (the run loop checkpoints there). */
  epochEnds: number[];
  steps: number;
  weightsSha256: string;
}

/**
 * Steps an evaluation strategy to its end as the run loop does and keeps what it reported. With
 * `stopAt`, the run stops after that step: its state is saved and a fresh strategy built from the
 * same config loads it and goes on (the engine's resume), reporting into the same record.
 */
async function train(config: EvaluationConfig, stopAt?: number): Promise<Trained> {
  const outputDir = mkdtempSync(join(tmpdir(), 'nas-seed-run-'));
  dirs.push(outputDir);
  const metrics: MetricPoint[] = [];
  const artifacts: Trained['artifacts'] = new Map();
  const reporter: Reporter = {
    metrics: (points) => void metrics.push(...points),
    artifact: (kind, step, data) => {
      expect(artifacts.has(kind), `${kind} reported twice`).toBe(false);
      artifacts.set(kind, { step, data: data as Record<string, unknown> });
    },
    genotype() {},
    log() {},
    progress() {},
  };
  const build = () => createEvaluationStrategy({ config, rng: new Rng(config.seed), reporter, resourcesDir: 'resources', outputDir });
  let strategy = await build();
  const epochEnds: number[] = [];
  let steps = 0;
  try {
    for (let done = false; !done; ) {
      const result = await strategy.step();
      steps++;
      done = result.done;
      if (result.epochEnd) epochEnds.push(steps);
      if (steps === stopAt) {
        const state = emptyBundle();
        strategy.saveState(bundleWriter(state));
        strategy.dispose();
        strategy = await build();
        strategy.loadState(bundleReader(state, 'the run\'s checkpoint'));
      }
    }
  } finally {
    strategy.dispose();
  }
  const file = join(outputDir, 'weights.safetensors');
  return { metrics, artifacts, epochEnds, steps, weightsSha256: sha256Of(file) };
}

/** What must not depend on where the training ran: every metric but the wall clock, every artifact but times and the file's path. */
function comparable(t: Trained) {
  const { trainSeconds: _t, ...report } = t.artifacts.get('evaluation.report')!.data;
  const { file: _f, ...weights } = t.artifacts.get('evaluation.weights')!.data;
  return {
    metrics: t.metrics.filter((p) => p.key !== 'epoch.seconds'),
    network: t.artifacts.get('evaluation.network'),
    predictions: t.artifacts.get('evaluation.predictions'),
    report,
    weights,
    weightsStep: t.artifacts.get('evaluation.weights')!.step,
    epochEnds: t.epochEnds,
    steps: t.steps,
    weightsSha256: t.weightsSha256,
  };
}

const sha256Of = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

describe('evaluation-run seeds as queue jobs', () => {
  let local: Trained[] = [];
  const configOf = (seed: number, queue?: QueueSetting) => EvaluationConfig.parse({ algorithm: 'evaluation', genotype: CELL, preset: 'tiny', seed, ...(queue ? { queue } : {}) });

  it('two seeds through two workers give the local runs\' top-1, metrics and weights, each recording where it ran', async () => {
    const tensors = tf.memory().numTensors;
    local = [await train(configOf(0)), await train(configOf(1))];
    expect(tf.memory().numTensors).toBe(tensors);
    const queue = QueueSetting.parse({ redis: redis.url, backoffMs: 100 });
    const queued = await Promise.all([train(configOf(0, queue)), train(configOf(1, queue))]);

    for (const seed of [0, 1]) {
      expect(comparable(queued[seed])).toEqual(comparable(local[seed]));
      // The run loop sees the training's steps and epoch ends.
      expect(queued[seed].epochEnds).toEqual([PER_EPOCH, 2 * PER_EPOCH, 3 * PER_EPOCH]);
      expect(queued[seed].metrics.filter((p) => p.key === 'test.acc')).toHaveLength(3);
    }
    expect(local[0].weightsSha256).not.toBe(local[1].weightsSha256); // two seeds train two networks
    const ran = queued.map((q) => q.artifacts.get('evaluation.placement')!.data);
    for (const p of ran) expect(p).toMatchObject({ attempts: 1, state: 'done', resumedFrom: 0 });
    expect(ran.map((p) => p.worker).sort()).toEqual(workers.map((w) => w.id).sort());
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('`evaluate --queue URL --seeds 2` stores both runs with the local metrics and weights; the finished jobs are read back, not trained again, also by a run resumed from its own checkpoint', async () => {
    expect(local).toHaveLength(2); // from the test above: the same seeds, trained here
    const dir = mkdtempSync(join(tmpdir(), 'nas-seed-cli-'));
    dirs.push(dir);
    const cell = join(dir, 'cell.txt');
    writeFileSync(cell, CELL.arch);
    const dataDir = join(dir, 'data');
    const cli = spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', 'evaluate', '--genotype', cell, '--seeds', '2', '--queue', redis.url, '--json', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const summary = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { runs: { runId: number; seed: number; status: string; top1: number; weights: string }[] };
    const store = openStore(join(dataDir, 'workbench.sqlite'), { readonly: true });
    try {
      for (const run of summary.runs) {
        const mine = local[run.seed];
        expect(run.status).toBe('completed');
        expect(run.top1).toBe(mine.artifacts.get('evaluation.report')!.data.top1);
        expect(sha256Of(run.weights)).toBe(mine.weightsSha256);
        expect(store.artifacts.list(run.runId, 'evaluation.weights').at(-1)!.data).toMatchObject({ file: run.weights, sha256: mine.weightsSha256 });
        // The run's charts: the same series, step for step, as the local training reported.
        for (const key of ['train.loss', 'train.acc', 'test.loss', 'test.acc', 'lr']) {
          const [series] = store.metrics.query({ runId: run.runId, keys: [key] });
          const expected = mine.metrics.filter((p) => p.key === key);
          expect(series.steps, key).toEqual(expected.map((p) => p.step));
          expect(series.values, key).toEqual(expected.map((p) => p.value));
        }
        // Read back from the job the first test finished: where it ran then, one attempt.
        const placement = store.artifacts.list(run.runId, 'evaluation.placement').at(-1)!.data as { worker: string; attempts: number };
        expect(workers.map((w) => w.id)).toContain(placement.worker);
        expect(placement.attempts).toBe(1);
      }
    } finally {
      store.close();
    }
    expect(summary.runs.map((r) => r.seed)).toEqual([0, 1]);

    // A queued run stopped after its second epoch and resumed from its own checkpoint (the engine's
    // resume) records each report once, and ends as the local run did.
    const resumed = await train(configOf(1, QueueSetting.parse({ redis: redis.url })), 2 * PER_EPOCH);
    expect(comparable(resumed)).toEqual(comparable(local[1]));
    // Each seed was trained once, in the first test, though three runs asked for it.
    const trained = workers.map((w) => w.output()).join('').match(/run-[0-9a-f]+:[01] trained in/g) ?? [];
    expect(trained.map((l) => l.split(' ')[0].split(':')[1]).sort()).toEqual(['0', '1']);
  });
});

describe('a retried seed training resumes from its job\'s last checkpoint', () => {
  it('a worker SIGKILLed after the first checkpoint: the retry on the other worker starts at the saved step and ends with the uninterrupted result', async () => {
    const config = EvaluationConfig.parse({ algorithm: 'evaluation', genotype: CELL, preset: 'tiny', seed: 2 });
    const local = await train(config);
    const connection = connectionFor(redis.url);
    const queue = new Queue(EVALUATION_QUEUE, { connection });
    const events = new QueueEvents(EVALUATION_QUEUE, { connection });
    const client = new Redis(connection);
    await events.waitUntilReady();
    const seen: SeedProgress[] = [];
    let victim: { worker: WorkerProcess; key: string } | null = null;
    let saved: Promise<number> | null = null;
    events.on('progress', ({ jobId, data }) => {
      const progress = data as SeedProgress;
      if (progress.phase !== 'training') return;
      seen.push(progress);
      // The first checkpoint is written before the progress of its epoch's end.
      if (victim || progress.step < PER_EPOCH) return;
      const worker = workers.find((w) => w.id === progress.worker)!;
      worker.kill();
      saved = queue.getJob(jobId).then(async (job) => {
        victim = { worker, key: (job!.data as SeedJob).key };
        const bytes = await client.getBuffer(checkpointKeyOf(victim.key));
        return decodeCheckpoint(bytes!, 'redis').info.step;
      });
    });
    try {
      const queued = await train(EvaluationConfig.parse({ ...config, queue: { redis: redis.url, backoffMs: 100 } }));
      expect(victim).not.toBeNull();
      const { worker, key } = victim!;
      expect(await worker.exited).toBeNull(); // ended by the signal
      const step = await saved!;
      expect([PER_EPOCH, 2 * PER_EPOCH]).toContain(step); // an epoch's end before the last (the kill may land after the second)

      // The retry ran elsewhere and its first report says where it started: the saved step.
      const retry = seen.filter((p) => p.worker !== worker.id);
      expect(retry.length).toBeGreaterThan(0);
      expect(retry[0]).toMatchObject({ resumedFrom: step, step, attempt: 2 });
      expect(seen.filter((p) => p.worker === worker.id).every((p) => p.attempt === 1 && p.resumedFrom === 0)).toBe(true);

      // Same metrics, report, predictions and weights (bytes) as the training that never stopped.
      expect(comparable(queued)).toEqual(comparable(local));
      expect(queued.artifacts.get('evaluation.placement')!.data).toMatchObject({ attempts: 2, state: 'retried', resumedFrom: step });
      expect(queued.artifacts.get('evaluation.placement')!.data.worker).not.toBe(worker.id);
      expect(await client.exists(checkpointKeyOf(key))).toBe(0); // removed with the completed job
    } finally {
      client.disconnect();
      await Promise.allSettled([events.close(), queue.close()]);
    }
  });
});
