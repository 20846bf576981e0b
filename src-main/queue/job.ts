import { z } from 'zod';
import { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import { Genotype } from '../../src-shared/model/genotype';

/** The BullMQ queue every evaluation job goes through (one per Redis database). */
export const EVALUATION_QUEUE = 'nas-evaluations';

/**
 * Where a job's data lives: `@resources/<folder or file>` inside each worker's own resources
 * folder, or a path each worker resolves on its machine; `sha256` is the content hash the worker
 * checks before it evaluates anything (datasetHash in dataset-ref.ts).
 */
export const DatasetReference = z
  .object({
    path: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'a sha256 is 64 lowercase hex digits' }),
  })
  .strict();
export type DatasetReference = z.infer<typeof DatasetReference>;

/**
 * One candidate evaluation. `runId` names the run (the run key: a hash of its config and data, so
 * two machines' run 1 never share jobs), `trialIndex` is the query's position in the run, and
 * `key` = `${runId}:${trialIndex}` is the idempotency key: a job done twice is recorded once.
 * The worker rebuilds the run's evaluator from `evaluator` and `seed` exactly as the engine does
 * (blackBoxFactory: `new Rng(seed).fork('evaluator')`), so its result equals a local evaluation.
 */
export const EvaluationJob = z
  .object({
    runId: z.string().regex(/^[0-9a-z-]+$/, { message: 'a run id is lowercase letters, digits and dashes' }),
    trialIndex: z.number().int().min(0),
    key: z.string().min(3),
    genotype: Genotype,
    evaluator: BlackBoxEvaluatorConfig,
    dataset: DatasetReference,
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    /** The worker gives up on one attempt after this long (the job is then retried). */
    timeoutMs: z.number().int().min(1),
  })
  .strict()
  .refine((j) => j.key === idempotencyKey(j.runId, j.trialIndex), { path: ['key'], message: 'key must be runId:trialIndex' });
export type EvaluationJob = z.infer<typeof EvaluationJob>;

/** What a worker returns for a job: the evaluation and where it ran. */
export const EvaluationResult = z
  .object({
    key: z.string(),
    metric: z.number(),
    cost: z.number(),
    test: z.number().optional(),
    worker: z.string(),
    host: z.string(),
    attempt: z.number().int().min(1),
  })
  .strict();
export type EvaluationResult = z.infer<typeof EvaluationResult>;

export function idempotencyKey(runId: string, trialIndex: number): string {
  return `${runId}:${trialIndex}`;
}

/** BullMQ job ids may not contain ':', so the job id spells the key with a dash. */
export function jobIdOf(key: string): string {
  return key.replace(':', '-');
}
