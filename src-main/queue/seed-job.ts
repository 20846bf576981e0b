import { z } from 'zod';
import { EvaluationConfig, resolveEvaluation } from '../../src-shared/model/algorithms/evaluation';
import { MetricPoint } from '../../src-shared/model/metrics';
import { DatasetReference, idempotencyKey } from './job';
import { runKeyOf } from './queue-evaluator';

/**
 * One seed of an evaluation run as a queue job: the worker trains the cell with the evaluation
 * strategy a local run uses and streams what it reports back through the job's progress.
 * Same queue as the candidate evaluations (EVALUATION_QUEUE); the job's name tells them apart.
 */
export const SEED_JOB_NAME = 'train-seed';

/**
 * `config` is resolved (the preset's full recipe and data written out, no queue, no name), so a
 * worker of another version trains what the queueing machine meant; `key` = `runId:seed`.
 */
export const SeedJob = z
  .object({
    runId: z.string().regex(/^[0-9a-z-]+$/, { message: 'a run id is lowercase letters, digits and dashes' }),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    key: z.string().min(3),
    config: EvaluationConfig,
    dataset: DatasetReference,
    /** The worker gives an attempt up after this long on one epoch (the job is then retried, from its last checkpoint). */
    timeoutMs: z.number().int().min(1),
  })
  .strict()
  .refine((j) => j.key === idempotencyKey(j.runId, j.seed), { path: ['key'], message: 'key must be runId:seed' })
  .refine((j) => j.config.seed === j.seed && j.config.queue === undefined, { path: ['config'], message: 'config must have the job\'s seed and no queue' });
export type SeedJob = z.infer<typeof SeedJob>;

/** One report of the training, as the strategy's Reporter received it (genotype and progress calls are not forwarded). */
export const SeedReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metrics'), points: z.array(MetricPoint) }).strict(),
  z.object({ type: z.literal('artifact'), kind: z.string(), step: z.number().int().min(0), data: z.unknown() }).strict(),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }).strict(),
]);
export type SeedReport = z.infer<typeof SeedReport>;

/**
 * A seed job's progress (BullMQ job progress, one update per epoch): the reports since the last
 * update (`reports`, the training's reports from index `from` on), the training's step, and
 * `resumedFrom`, the step this attempt started at (0, or the step of the job's checkpoint it
 * loaded). `worker` and `phase` as every job's progress has them.
 */
export const SeedProgress = z
  .object({
    worker: z.string(),
    phase: z.enum(['checking data', 'training']),
    attempt: z.number().int().min(1),
    step: z.number().int().min(0),
    totalSteps: z.number().int().min(0),
    resumedFrom: z.number().int().min(0),
    from: z.number().int().min(0),
    reports: z.array(SeedReport),
  })
  .strict();
export type SeedProgress = z.infer<typeof SeedProgress>;

/** Where the trained network's safetensors bytes wait for the queueing machine (a Redis key, not the job's result: they can be MBs). */
export const WeightsTransfer = z.object({ redisKey: z.string(), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type WeightsTransfer = z.infer<typeof WeightsTransfer>;

/** What the worker returns: every report of the training in order (from step 0, resumed attempts included), the weights, where it ran. */
export const SeedResult = z
  .object({
    key: z.string(),
    reports: z.array(SeedReport),
    weights: WeightsTransfer.nullable(),
    worker: z.string(),
    host: z.string(),
    attempt: z.number().int().min(1),
    resumedFrom: z.number().int().min(0),
  })
  .strict();
export type SeedResult = z.infer<typeof SeedResult>;

/** Redis key of a seed job's last checkpoint (expires; deleted when the job completes). */
export const checkpointKeyOf = (key: string): string => `nas-workbench:checkpoint:${key}`;
/** Redis key of a finished seed job's weights (expires with the finished job). */
export const weightsKeyOf = (key: string): string => `nas-workbench:weights:${key}`;

/** A checkpoint outlives a crashed job's retention (7 days) so a job retried by hand still resumes. */
export const CHECKPOINT_TTL_SECONDS = 7 * 24 * 3600;
/** Weights stay as long as the finished job (a day): a resumed local run reads them back. */
export const WEIGHTS_TTL_SECONDS = 24 * 3600;

/**
 * The config a worker trains: the preset's recipe and data written out in full; the run's name,
 * search run, checkpoint cadence and queue left out (they do not change the training).
 */
export function resolvedSeedConfig(config: EvaluationConfig): EvaluationConfig {
  const { training, dataset } = resolveEvaluation(config);
  return EvaluationConfig.parse({ algorithm: 'evaluation', seed: config.seed, genotype: config.genotype, preset: config.preset, dataset, training, testBatchSize: config.testBatchSize });
}

/** The evaluation's key on the queue, the same for all its seeds: a hash of the resolved config without the seed, and of the data. */
export function seedRunKeyOf(resolved: EvaluationConfig, dataset: DatasetReference): string {
  const { seed: _seed, ...rest } = resolved;
  return runKeyOf(rest, dataset);
}
