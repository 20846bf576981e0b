import { createHash } from 'node:crypto';
import type { Queue, QueueEvents } from 'bullmq';
import type { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import type { Genotype } from '../../src-shared/model/genotype';
import type { Placement, QueueSetting } from '../../src-shared/model/queue';
import type { Evaluation, Evaluator, QueryContext } from '../engine/search/blackbox/evaluators/evaluator';
import type { CellSpace } from '../engine/search/blackbox/spaces/cell-space';
import { DartsCells, type DartsCellPair } from '../engine/search/blackbox/spaces/darts-cells';
import { Nb201Cells } from '../engine/search/blackbox/spaces/nb201-cells';
import { NO_WORKER_WARNING_MS, openEvaluationQueue, warnWithoutWorkers } from './connection';
import { datasetReferenceOf } from './dataset-ref';
import { describeRedisUrl } from './redis-url';
import { EvaluationJob, EvaluationResult, idempotencyKey, jobIdOf, type DatasetReference } from './job';

/** The evaluators a worker can rebuild per job; a supernet one trains its shared weights first, once, and stays local. */
export const QUEUEABLE_KINDS = ['nb201-tabular', 'nb201-train', 'darts-train'] as const;

/** Evaluations that say where they ran. */
export interface PlacedEvaluation extends Evaluation {
  placement: Placement;
}

/**
 * A run's key on the queue: a hash of its config (queue setting left out) and its data's hash, so
 * the jobs of two runs never mix (two machines' run 1 differ), while a resumed run, which has the
 * same config, finds the jobs it queued before it stopped and reuses their results.
 */
export function runKeyOf(config: object, dataset: DatasetReference): string {
  const { queue: _queue, ...rest } = config as { queue?: unknown };
  return `run-${createHash('sha256').update(JSON.stringify(rest)).update(dataset.sha256).digest('hex').slice(0, 16)}`;
}

export interface QueueEvaluatorOptions {
  setting: QueueSetting;
  evaluator: BlackBoxEvaluatorConfig;
  seed: number;
  runId: string;
  dataset: DatasetReference;
  /** Shown in logs, as the local evaluator's name with the queue after it. */
  name: string;
  costUnit: Evaluator['costUnit'];
  /** Told when a job has waited NO_WORKER_WARNING_MS and no worker is connected (the run's log). */
  warn?: (message: string) => void;
}

/**
 * Evaluates on the queue's workers: each query is a BullMQ job (id = its idempotency key), retried
 * with exponential backoff, and awaited through QueueEvents, so the engine's event loop stays free.
 * At-least-once delivery is made safe twice: a job id BullMQ already holds is not added again (its
 * result is read back, which is how a resumed run reuses finished work), and a result for a key
 * already recorded is ignored.
 */
export class QueueEvaluator implements Evaluator {
  readonly name: string;
  readonly costUnit: Evaluator['costUnit'];
  /** Each recorded result by idempotency key; a second completion of the same key is dropped. */
  private readonly recorded = new Map<string, PlacedEvaluation>();
  private next = 0;

  private constructor(
    private readonly opts: QueueEvaluatorOptions,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {
    this.name = opts.name;
    this.costUnit = opts.costUnit;
  }

  static async open(opts: QueueEvaluatorOptions): Promise<QueueEvaluator> {
    if (!(QUEUEABLE_KINDS as readonly string[]).includes(opts.evaluator.kind)) {
      throw new Error(`the ${opts.evaluator.kind} evaluator trains one shared supernet and runs locally: remove "queue" from the config, or use ${QUEUEABLE_KINDS.join(', ')}`);
    }
    const { queue, events } = await openEvaluationQueue(opts.setting.redis, opts.warn);
    return new QueueEvaluator(opts, queue, events);
  }

  /** Where each recorded evaluation ran, by idempotency key. */
  placements(): Map<string, Placement> {
    return new Map([...this.recorded].map(([k, v]) => [k, v.placement]));
  }

  async evaluate(genotype: Genotype, query?: QueryContext): Promise<PlacedEvaluation> {
    const trialIndex = query?.index ?? this.next;
    this.next = Math.max(this.next, trialIndex + 1);
    const key = idempotencyKey(this.opts.runId, trialIndex);
    const known = this.recorded.get(key);
    if (known) return known;
    const { setting } = this.opts;
    const data = EvaluationJob.parse({
      runId: this.opts.runId,
      trialIndex,
      key,
      genotype,
      evaluator: this.opts.evaluator,
      dataset: this.opts.dataset,
      seed: this.opts.seed,
      timeoutMs: setting.timeoutSeconds * 1000,
    });
    const jobId = jobIdOf(key);
    let job = await this.queue.getJob(jobId);
    if (job && JSON.stringify(job.data.genotype) !== JSON.stringify(genotype)) {
      throw new Error(`queue job ${jobId} evaluates ${JSON.stringify(job.data.genotype)}, not ${JSON.stringify(genotype)}: another run shares this run's key; clear the queue (docs/queue.md)`);
    }
    if (job && (await job.getState()) === 'failed') await job.retry();
    job ??= await this.queue.add('evaluate', data, {
      jobId,
      attempts: setting.attempts,
      backoff: { type: 'exponential', delay: setting.backoffMs },
      // Finished jobs stay a day: long enough for a resumed run to read them back.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    let value: unknown;
    const idle = setTimeout(() => void this.warnWithoutWorkers(), NO_WORKER_WARNING_MS);
    try {
      value = await job.waitUntilFinished(this.events);
    } catch (error) {
      throw new Error(`evaluation ${key} of ${JSON.stringify(genotype)} failed on the queue after ${setting.attempts} attempt(s): ${(error as Error).message}`);
    } finally {
      clearTimeout(idle);
    }
    return this.record(key, value);
  }

  private warned = false;

  /** A run whose jobs nobody takes waits: say why, once. */
  private async warnWithoutWorkers(): Promise<void> {
    if (this.warned || !this.opts.warn) return;
    this.warned = await warnWithoutWorkers(this.queue, this.opts.setting.redis, this.opts.warn);
  }

  /** Records a worker's result for `key` once; a later completion of the same key returns the first. */
  record(key: string, value: unknown): PlacedEvaluation {
    const known = this.recorded.get(key);
    if (known) return known;
    const result = EvaluationResult.parse(value);
    if (result.key !== key) throw new Error(`the queue answered ${result.key} for ${key}: the job's result belongs to another evaluation`);
    const evaluation: PlacedEvaluation = {
      metric: result.metric,
      cost: result.cost,
      ...(result.test === undefined ? {} : { test: result.test }),
      placement: { worker: result.worker, host: result.host, attempts: result.attempt, state: result.attempt > 1 ? 'retried' : 'done' },
    };
    this.recorded.set(key, evaluation);
    return evaluation;
  }

  /** Closes the queue's connections (jobs in Redis stay; workers keep serving other runs). */
  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }

  dispose(): void {
    void this.close();
  }
}

/** The queued evaluator of a black-box config that has a `queue` setting, and the cell space it searches. */
export async function createQueuedEvaluator(
  config: { seed: number; evaluator: BlackBoxEvaluatorConfig; queue: QueueSetting },
  resourcesDir: string,
  warn?: (message: string) => void,
): Promise<{ evaluator: QueueEvaluator; cells: CellSpace<number> | CellSpace<DartsCellPair> }> {
  const { evaluator: kind, queue: setting } = config;
  const dataset = datasetReferenceOf(kind, resourcesDir);
  const evaluator = await QueueEvaluator.open({
    setting,
    evaluator: kind,
    seed: config.seed,
    runId: runKeyOf(config, dataset),
    dataset,
    name: `${kind.kind} on ${describeRedisUrl(setting.redis)}`,
    costUnit: kind.kind === 'nb201-tabular' ? 'queries' : 'epochs',
    warn,
  });
  return { evaluator, cells: kind.kind === 'darts-train' || kind.kind === 'darts-supernet' ? new DartsCells(kind.space) : new Nb201Cells() };
}
