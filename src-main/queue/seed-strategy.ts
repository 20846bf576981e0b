import { join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { resolveEvaluation, type EvaluationConfig } from '../../src-shared/model/algorithms/evaluation';
import type { Placement } from '../../src-shared/model/queue';
import { writeFileAtomic } from '../engine/checkpoint/atomic-write';
import { sha256 } from '../engine/checkpoint/file';
import { WEIGHTS_FILE_NAME, type WeightsArtifact } from '../engine/evaluate/trained-weights';
import type { SearchStrategy, StrategyContext } from '../engine/search/strategy';
import { connectionFor, NO_WORKER_WARNING_MS, openEvaluationQueue, warnWithoutWorkers } from './connection';
import { imagesPathOf, referenceTo } from './dataset-ref';
import { idempotencyKey, jobIdOf } from './job';
import { describeRedisUrl } from './redis-url';
import { resolvedSeedConfig, SEED_JOB_NAME, SeedJob, SeedProgress, SeedResult, seedRunKeyOf, type SeedReport } from './seed-job';

/** The step a metrics report belongs to (an epoch's end: every point of it has the same step). */
const stepOf = (report: Extract<SeedReport, { type: 'metrics' }>): number => report.points[0]?.step ?? 0;

/**
 * An evaluation run whose training is a job on the queue (config `queue`): the run stays this
 * machine's (stored, charted, checkpointed as any run) while a worker trains. The worker's
 * reports arrive with the job's progress and are passed on unchanged, so the run records the
 * metrics and artifacts a local run records; the trained network's bytes come through Redis and
 * are saved as the local run saves them. One step of this strategy is one training step: it
 * returns at once for the steps inside an epoch the worker has finished and waits at an epoch's
 * end for the worker's report of it, so the run loop counts (and checkpoints at) the steps the
 * training does. A stop request therefore takes effect at the worker's next epoch's end; the job
 * itself goes on (a resumed run finds it, running or finished, under its idempotency key).
 */
export async function createQueuedEvaluationStrategy({ config, reporter, resourcesDir, outputDir }: StrategyContext<EvaluationConfig>): Promise<SearchStrategy> {
  const setting = config.queue!;
  const resolved = resolvedSeedConfig(config);
  const dataset = referenceTo(imagesPathOf(resolved.dataset!), resourcesDir);
  const runId = seedRunKeyOf(resolved, dataset);
  const key = idempotencyKey(runId, config.seed);
  const jobId = jobIdOf(key);
  const warn = (message: string) => reporter.log('warn', message);
  const { queue, events } = await openEvaluationQueue(setting.redis, warn);

  // The training's reports in order, as far as known, and how many of them this run has recorded.
  let known: SeedReport[] = [];
  let applied = 0;
  let step = 0;
  // Until the worker has loaded the data and says how many steps there are: the epochs.
  let totalSteps = resolveEvaluation(resolved).training.epochs;
  let finished: { result: SeedResult } | { error: Error } | null = null;
  let wake: (() => void) | null = null;
  const arrived = () => new Promise<void>((resolve) => (wake = resolve));

  const onProgress = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
    if (id !== jobId) return;
    const progress = SeedProgress.safeParse(data);
    if (!progress.success || progress.data.phase !== 'training') return;
    const { from, reports, totalSteps: total } = progress.data;
    totalSteps = total;
    // A gap (events missed while this run was down) is filled by the result, which has every report.
    if (from <= known.length) known.push(...reports.slice(known.length - from));
    wake?.();
  };
  let job: Job;
  try {
    events.on('progress', onProgress);
    job = await addSeedJob(queue, SeedJob.parse({ runId, seed: config.seed, key, config: resolved, dataset, timeoutMs: setting.timeoutSeconds * 1000 }), setting);
  } catch (error) {
    await Promise.allSettled([events.close(), queue.close()]);
    throw error;
  }
  reporter.log('info', `seed ${config.seed} is job ${jobId} on ${describeRedisUrl(setting.redis)}`);
  let warned = false;
  const idle = setTimeout(() => void warnWithoutWorkers(queue, setting.redis, warn).then((w) => (warned = w)), NO_WORKER_WARNING_MS);
  job.waitUntilFinished(events).then(
    (value: unknown) => {
      const parsed = SeedResult.safeParse(value);
      finished = parsed.success && parsed.data.key === key ? { result: parsed.data } : { error: new Error(`job ${jobId} answered something that is not this seed's training result`) };
    },
    (error: Error) => (finished = { error: new Error(`seed ${config.seed} failed on the queue after ${setting.attempts} attempt(s): ${error.message}`) }),
  ).finally(() => {
    clearTimeout(idle);
    wake?.();
  });

  /** The weights the worker put in Redis, saved where a local run saves them; a failure is a warning, as locally. */
  const saveWeights = async (report: Extract<SeedReport, { type: 'artifact' }>, result: SeedResult | undefined): Promise<void> => {
    if (!outputDir) return;
    try {
      if (!result?.weights) throw new Error('the worker sent none');
      const redis = new Redis(connectionFor(setting.redis));
      redis.on('error', () => {}); // an outage fails getBuffer below, which says so
      const bytes = await redis.getBuffer(result.weights.redisKey).finally(() => redis.disconnect());
      if (!bytes) throw new Error(`Redis no longer holds ${result.weights.redisKey} (weights are kept a day after the job)`);
      if (sha256(bytes) !== result.weights.sha256) throw new Error(`the bytes in Redis do not have the worker's sha256 ${result.weights.sha256.slice(0, 12)}…`);
      const file = join(outputDir, WEIGHTS_FILE_NAME);
      writeFileAtomic(file, bytes);
      reporter.artifact(report.kind, report.step, { ...(report.data as WeightsArtifact), file } satisfies WeightsArtifact);
    } catch (error) {
      reporter.log('warn', `the trained network was not saved: ${(error as Error).message}`);
    }
  };

  /** Records the known reports up to index `last` (inclusive). */
  const record = async (last: number, result?: SeedResult): Promise<void> => {
    for (; applied <= last; applied++) {
      const report = known[applied];
      if (report.type === 'metrics') reporter.metrics(report.points);
      else if (report.type === 'log') reporter.log(report.level, report.message);
      // The weights follow the last epoch's metrics, which are recorded only once the result is in.
      else if (report.kind === 'evaluation.weights') await saveWeights(report, result);
      else reporter.artifact(report.kind, report.step, report.data);
    }
  };

  return {
    get totalSteps() {
      return totalSteps;
    },
    async step() {
      for (;;) {
        const next = known.findIndex((r, i) => i >= applied && r.type === 'metrics');
        if (next >= 0) {
          const at = stepOf(known[next] as Extract<SeedReport, { type: 'metrics' }>);
          if (at > step + 1) {
            step++;
            reporter.progress(step, totalSteps);
            return { done: false };
          }
          // The last epoch's report waits for the result: the final report and the weights follow it.
          if (at < totalSteps) {
            await record(next);
            step = at;
            reporter.progress(step, totalSteps);
            return { done: false, epochEnd: true };
          }
        }
        const outcome = finished as typeof finished;
        if (outcome && 'error' in outcome) throw outcome.error;
        if (outcome) {
          const { result } = outcome;
          known = result.reports;
          totalSteps = Math.max(step, ...known.filter((r) => r.type === 'metrics').map(stepOf));
          if (known.some((r, i) => i >= applied && r.type === 'metrics' && stepOf(r) > step + 1)) continue;
          await record(known.length - 1, result);
          step = totalSteps;
          const placement: Placement = { worker: result.worker, host: result.host, attempts: result.attempt, state: result.attempt > 1 ? 'retried' : 'done' };
          reporter.artifact('evaluation.placement', step, { ...placement, resumedFrom: result.resumedFrom });
          if (warned) reporter.log('info', `a worker took seed ${config.seed}: ${result.worker}`);
          reporter.progress(step, totalSteps);
          return { done: true, epochEnd: true };
        }
        await arrived();
      }
    },
    genotype: () => null,
    saveState(out) {
      out.json('queued', { step, applied, known: known.slice(0, applied) });
    },
    loadState(from) {
      ({ step, applied, known } = from.json<{ step: number; applied: number; known: SeedReport[] }>('queued'));
    },
    dispose() {
      clearTimeout(idle);
      events.off('progress', onProgress);
      void Promise.allSettled([events.close(), queue.close()]);
    },
  };
}

/**
 * The seed's job: the one Redis already holds under its id (a resumed run, or another machine
 * training the same cell with the same seed and data: the same result), retried when it failed;
 * else a new one with the setting's attempts and backoff.
 */
async function addSeedJob(queue: Queue, data: SeedJob, setting: NonNullable<EvaluationConfig['queue']>): Promise<Job> {
  const jobId = jobIdOf(data.key);
  const found = await queue.getJob(jobId);
  if (found) {
    if (JSON.stringify(found.data.config) !== JSON.stringify(data.config)) {
      throw new Error(`queue job ${jobId} trains another config than this run: another run shares this key; clear the queue (docs/queue.md)`);
    }
    if ((await found.getState()) === 'failed') await found.retry();
    return found;
  }
  return queue.add(SEED_JOB_NAME, data, {
    jobId,
    attempts: setting.attempts,
    backoff: { type: 'exponential', delay: setting.backoffMs },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}
