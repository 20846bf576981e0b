import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { describeIssues } from '../../src-shared/contract';
import type { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../src-shared/model/rng';
import { createEvaluator } from '../engine/search/blackbox/factory';
import type { Evaluator } from '../engine/search/blackbox/evaluators/evaluator';
import type { Reporter } from '../engine/search/strategy';
import { connectionFor, readyOrExplain } from './connection';
import { verifyDataset } from './dataset-ref';
import { EVALUATION_QUEUE, EvaluationJob, type EvaluationResult } from './job';
import { describeRedisUrl } from './redis-url';
import { SEED_JOB_NAME, SeedJob, type SeedResult } from './seed-job';
import { CELL_JOB_NAME, CellJob, type CellResult } from './cell-job';
import { trainCell } from './cell-worker';
import { trainSeed } from './seed-worker';

export interface EvaluationWorkerOptions {
  redis: string;
  concurrency: number;
  /** This machine's resources folder (the embedded dataset, the NB201 tables). */
  resourcesDir: string;
  /**
   * How long a job's lock lasts without renewal; a dead worker's job is retried this long after it
   * died (BullMQ's stalled-job check runs as often). BullMQ's default is 30 s; tests use less.
   */
  lockDurationMs?: number;
  log: (line: string) => void;
}

export interface EvaluationWorker {
  /** `host:pid`, recorded with every result this worker returns. */
  readonly id: string;
  /** Stops taking jobs and waits for the active ones to finish; `force` hands them back at once (they are retried). */
  close(force?: boolean): Promise<void>;
}

/** A job's data checked against its schema; a malformed job fails for good (retrying it elsewhere would fail the same way). */
function jobData<T>(job: Job, schema: z.ZodType<T>, what: string): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not ${what}: ${describeIssues(parsed.error.issues).message}`);
  return parsed.data;
}

/** Evaluators kept per (config, seed): a training evaluator holds its loaded dataset, reused by the run's next jobs. */
const KEEP_EVALUATORS = 2;

/**
 * Takes evaluation jobs from the queue and runs them with the same evaluator code as a local run:
 * checks the job, checks the dataset's hash, builds (or reuses) the run's evaluator from its config
 * and seed, evaluates within the job's time limit and returns the result with where it ran.
 * Jobs named SEED_JOB_NAME are evaluation-run seeds: trainSeed trains them (seed-worker.ts);
 * CELL_JOB_NAME, rungs of NOSH's pausable trainings: trainCell (cell-worker.ts).
 */
export async function startEvaluationWorker(opts: EvaluationWorkerOptions): Promise<EvaluationWorker> {
  const host = hostname();
  const id = `${host}:${process.pid}`;
  const evaluators = new Map<string, Promise<Evaluator>>();
  const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, progress() {}, log: (level, message) => opts.log(`${level}: ${message}`) };

  const evaluatorFor = (config: BlackBoxEvaluatorConfig, seed: number): Promise<Evaluator> => {
    const key = `${seed}\n${JSON.stringify(config)}`;
    let found = evaluators.get(key);
    if (!found) {
      found = createEvaluator(config, opts.resourcesDir, new Rng(seed).fork('evaluator'), silent).then((e) => e.evaluator);
      found.catch(() => evaluators.delete(key));
      evaluators.set(key, found);
      for (const old of [...evaluators.keys()].slice(0, Math.max(0, evaluators.size - KEEP_EVALUATORS))) {
        void evaluators.get(old)?.then((e) => e.dispose(), () => {});
        evaluators.delete(old);
      }
    }
    return found;
  };

  // Checkpoints and weights of seed and cell jobs: a connection of our own (BullMQ's worker connection blocks).
  const redis = new Redis(connectionFor(opts.redis));
  redis.on('error', () => {}); // BullMQ's own connection reports the same outage, once
  const trainers = { id, host, redis, resourcesDir: opts.resourcesDir, log: opts.log };

  const processSeed = async (job: Job): Promise<SeedResult> => {
    const data = jobData(job, SeedJob, 'an evaluation-seed job');
    const started = performance.now();
    const result = await trainSeed(job, data, trainers);
    opts.log(`${data.key} trained in ${((performance.now() - started) / 1000).toFixed(2)} s (attempt ${result.attempt}${result.resumedFrom > 0 ? `, resumed at step ${result.resumedFrom}` : ''})`);
    return result;
  };

  const processCell = async (job: Job): Promise<CellResult> => {
    const data = jobData(job, CellJob, 'a cell-training job');
    const started = performance.now();
    const result = await trainCell(job, data, trainers, silent.log);
    opts.log(`${data.key}: ${result.metric.toFixed(3)} in ${((performance.now() - started) / 1000).toFixed(2)} s (attempt ${result.attempt}, from epoch ${result.resumedFrom})`);
    return result;
  };

  const processJob = async (job: Job): Promise<EvaluationResult | SeedResult | CellResult> => {
    if (job.name === SEED_JOB_NAME) return processSeed(job);
    if (job.name === CELL_JOB_NAME) return processCell(job);
    const data = jobData(job, EvaluationJob, 'an evaluation job');
    await job.updateProgress({ worker: id, phase: 'checking data' });
    verifyDataset(data.dataset, opts.resourcesDir, host);
    const evaluator = await evaluatorFor(data.evaluator, data.seed);
    await job.updateProgress({ worker: id, phase: 'evaluating' });
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`attempt on ${id} exceeded the time limit of ${data.timeoutMs / 1000} s`)), data.timeoutMs);
    });
    try {
      const started = performance.now();
      const evaluation = await Promise.race([evaluator.evaluate(data.genotype, { index: data.trialIndex }), limit]);
      opts.log(`${data.key} ${data.genotype.space === 'nb201' ? data.genotype.arch : 'darts cell pair'}: ${evaluation.metric.toFixed(3)} in ${((performance.now() - started) / 1000).toFixed(2)} s (attempt ${job.attemptsStarted})`);
      return {
        key: data.key,
        metric: evaluation.metric,
        cost: evaluation.cost,
        ...(evaluation.test === undefined ? {} : { test: evaluation.test }),
        worker: id,
        host,
        attempt: Math.max(1, job.attemptsStarted),
      };
    } finally {
      clearTimeout(timer);
    }
  };

  const lockDuration = opts.lockDurationMs ?? 30_000;
  const worker = new Worker(EVALUATION_QUEUE, processJob, {
    connection: connectionFor(opts.redis),
    concurrency: opts.concurrency,
    name: id,
    lockDuration,
    stalledInterval: lockDuration,
    // A job whose worker died goes back to the queue this many times before it fails.
    maxStalledCount: 3,
    autorun: false,
  });
  worker.on('failed', (job, error) => opts.log(`${job?.data?.key ?? job?.id ?? 'a job'} failed on ${id}: ${error.message}`));
  worker.on('error', (error) => opts.log(`queue error: ${error.message}`));
  try {
    await readyOrExplain(opts.redis, [worker]);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  void worker.run();
  opts.log(`worker ${id} takes evaluations from ${describeRedisUrl(opts.redis)} (concurrency ${opts.concurrency})`);
  return {
    id,
    async close(force = false) {
      await worker.close(force);
      await redis.quit().catch(() => redis.disconnect());
      for (const e of evaluators.values()) void e.then((x) => x.dispose(), () => {});
      evaluators.clear();
    },
  };
}
