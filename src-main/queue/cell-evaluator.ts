import type { Job, Queue, QueueEvents } from 'bullmq';
import type { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import type { NoshEvaluatorConfig } from '../../src-shared/model/algorithms/nosh';
import type { Placement, QueueSetting } from '../../src-shared/model/queue';
import type { StateReader, StateWriter } from '../engine/checkpoint/state';
import type { PartialResult, ResumableEvaluator } from '../engine/search/blackbox/evaluators/resumable';
import type { CellSpace } from '../engine/search/blackbox/spaces/cell-space';
import { CELL_JOB_NAME, CellJob, CellResult, cellJobKey, cellNameOf } from './cell-job';
import { NO_WORKER_WARNING_MS, openEvaluationQueue, warnWithoutWorkers } from './connection';
import { datasetReferenceOf } from './dataset-ref';
import { jobIdOf, type DatasetReference } from './job';
import { runKeyOf } from './queue-evaluator';
import { describeRedisUrl } from './redis-url';

type TrainingKind = Extract<NoshEvaluatorConfig, { kind: 'nb201-train' | 'darts-train' }>;

/**
 * NOSH's pausable evaluator over the queue: a cell's training pauses in Redis instead of in this
 * process. `trainEpoch` only counts the epochs a cell is owed; `score` sends one job that trains the
 * cell on from its paused state to those epochs and scores it (trainCell in cell-worker.ts), so
 * each rung of the pyramid is one job, any worker takes it, and the scores are the local
 * evaluator's (the worker builds the same evaluator from the config and seed). The strategy
 * awaits each score, so one run keeps one worker busy at a time, as the black-box searches do.
 */
export class QueuedResumableEvaluator<A> implements ResumableEvaluator<A> {
  readonly name: string;
  readonly maxEpochs: number;
  /** Epochs each cell is owed (trained remotely or still to be), by its genotype's name. */
  private owed = new Map<string, number>();
  /** Where each rung ran, by its job key. */
  readonly placements = new Map<string, Placement & { resumedFrom: number }>();
  private warned = false;

  private constructor(
    private readonly cells: CellSpace<A>,
    private readonly config: TrainingKind,
    private readonly setting: QueueSetting,
    private readonly runId: string,
    private readonly dataset: DatasetReference,
    private readonly seed: number,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly warn: (message: string) => void,
  ) {
    this.name = `${config.kind}:${config.epochs}ep (resumable) on ${describeRedisUrl(setting.redis)}`;
    this.maxEpochs = config.epochs;
  }

  /** The queued evaluator of a NOSH config with `queue`; the learning-curve lookups stay local (nothing to train). */
  static async open<A>(cells: CellSpace<A>, config: { seed: number; evaluator: NoshEvaluatorConfig; queue: QueueSetting }, resourcesDir: string, warn: (message: string) => void): Promise<QueuedResumableEvaluator<A>> {
    const { evaluator } = config;
    if (evaluator.kind === 'nb201-curves') throw new Error('the nb201-curves evaluator looks learning curves up and trains nothing: remove "queue" from the config');
    const dataset = datasetReferenceOf(evaluator as BlackBoxEvaluatorConfig, resourcesDir);
    const { queue, events } = await openEvaluationQueue(config.queue.redis, warn);
    return new QueuedResumableEvaluator(cells, evaluator, config.queue, runKeyOf(config, dataset), dataset, config.seed, queue, events, warn);
  }

  async trainEpoch(arch: A, done: number): Promise<void> {
    const cell = cellNameOf(this.cells.toGenotype(arch));
    const had = this.owed.get(cell) ?? 0;
    if (had !== done) throw new Error(`${this.name}: cell ${this.cells.key(arch)} has been trained ${had} epochs, not ${done}`);
    if (done >= this.maxEpochs) throw new Error(`${this.name}: cell ${this.cells.key(arch)} is already trained the full ${this.maxEpochs} epochs`);
    this.owed.set(cell, done + 1);
  }

  async score(arch: A, done: number): Promise<PartialResult> {
    const genotype = this.cells.toGenotype(arch);
    const cell = cellNameOf(genotype);
    if ((this.owed.get(cell) ?? 0) !== done) throw new Error(`${this.name}: cell ${this.cells.key(arch)} has been trained ${this.owed.get(cell) ?? 0} epochs, not ${done}`);
    const key = cellJobKey(this.runId, cell, done);
    const data = CellJob.parse({ runId: this.runId, cell, epochs: done, key, genotype, evaluator: this.config, dataset: this.dataset, seed: this.seed, timeoutMs: this.setting.timeoutSeconds * 1000 });
    const job = await this.jobFor(data);
    const idle = setTimeout(() => {
      if (!this.warned) void warnWithoutWorkers(this.queue, this.setting.redis, this.warn).then((w) => (this.warned ||= w));
    }, NO_WORKER_WARNING_MS);
    let value: unknown;
    try {
      value = await job.waitUntilFinished(this.events);
    } catch (error) {
      throw new Error(`training ${key} of ${JSON.stringify(genotype)} to ${done} epochs failed on the queue after ${this.setting.attempts} attempt(s): ${(error as Error).message}`);
    } finally {
      clearTimeout(idle);
    }
    const result = CellResult.parse(value);
    if (result.key !== key) throw new Error(`the queue answered ${result.key} for ${key}: the job's result belongs to another training`);
    this.placements.set(key, { worker: result.worker, host: result.host, attempts: result.attempt, state: result.attempt > 1 ? 'retried' : 'done', resumedFrom: result.resumedFrom });
    return { metric: result.metric, ...(result.test === undefined ? {} : { test: result.test }) };
  }

  /** The rung's job: the one Redis holds under its id (a resumed run reads its result back), retried when it failed; else a new one. */
  private async jobFor(data: CellJob): Promise<Job> {
    const jobId = jobIdOf(data.key);
    const found = await this.queue.getJob(jobId);
    if (found) {
      if (JSON.stringify(found.data.genotype) !== JSON.stringify(data.genotype)) throw new Error(`queue job ${jobId} trains another cell: another run shares this run's key; clear the queue (docs/queue.md)`);
      if ((await found.getState()) === 'failed') await found.retry();
      return found;
    }
    return this.queue.add(CELL_JOB_NAME, data, {
      jobId,
      attempts: this.setting.attempts,
      backoff: { type: 'exponential', delay: this.setting.backoffMs },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** The top level is never resumed; its paused state was deleted by the worker that finished it. */
  release(arch: A): void {
    this.owed.delete(cellNameOf(this.cells.toGenotype(arch)));
  }

  /** The epochs each cell is owed; the trainings themselves wait in Redis. */
  saveState(out: StateWriter): void {
    out.json('owed', [...this.owed]);
  }

  loadState(from: StateReader): void {
    this.owed = new Map(from.json<[string, number][]>('owed'));
  }

  dispose(): void {
    void Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
