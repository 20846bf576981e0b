import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DartsTrainingEvaluatorConfig, Nb201TrainingEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import { Genotype } from '../../src-shared/model/genotype';
import { DatasetReference } from './job';

/**
 * One rung of a NOSH / Rank-NOSH pausable training as a queue job: train the cell on from the
 * epochs its paused state in Redis holds (none: a fresh network) to `epochs`, and score it. Same
 * queue as the candidate evaluations (EVALUATION_QUEUE); the job's name tells them apart.
 */
export const CELL_JOB_NAME = 'train-cell';

/** `key` = `runId:cell-epochs`: each rung of each cell of a run is one job, done once. */
export const CellJob = z
  .object({
    runId: z.string().regex(/^[0-9a-z-]+$/, { message: 'a run id is lowercase letters, digits and dashes' }),
    /** The cell's name on the queue: a hash of its genotype (names its paused state's Redis key). */
    cell: z.string().regex(/^[0-9a-f]{16}$/),
    epochs: z.number().int().min(1),
    key: z.string(),
    genotype: Genotype,
    evaluator: z.discriminatedUnion('kind', [Nb201TrainingEvaluatorConfig, DartsTrainingEvaluatorConfig]),
    dataset: DatasetReference,
    /** The run's seed: the worker builds the run's evaluator from it as the engine does. */
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    timeoutMs: z.number().int().min(1),
  })
  .strict()
  .refine((j) => j.key === cellJobKey(j.runId, j.cell, j.epochs), { path: ['key'], message: 'key must be runId:cell-epochs' })
  .refine((j) => j.epochs <= j.evaluator.epochs, { path: ['epochs'], message: 'epochs must not exceed the evaluator\'s full training' });
export type CellJob = z.infer<typeof CellJob>;

/** The rung's score and where it ran; `resumedFrom`: the epochs of the paused state the finishing attempt started from. */
export const CellResult = z
  .object({
    key: z.string(),
    metric: z.number(),
    test: z.number().optional(),
    worker: z.string(),
    host: z.string(),
    attempt: z.number().int().min(1),
    resumedFrom: z.number().int().min(0),
  })
  .strict();
export type CellResult = z.infer<typeof CellResult>;

export const cellJobKey = (runId: string, cell: string, epochs: number): string => `${runId}:${cell}-${epochs}`;

/** A cell's name on the queue: the first 16 hex digits of the SHA-256 of its canonical genotype JSON. */
export const cellNameOf = (genotype: Genotype): string => createHash('sha256').update(JSON.stringify(genotype)).digest('hex').slice(0, 16);

/** Redis key of a cell's paused training (weights, momentum, batch position, epochs); expires, deleted at the full training. */
export const cellStateKeyOf = (runId: string, cell: string): string => `nas-workbench:cell:${runId}:${cell}`;

/** A paused cell waits this long for its next rung (a run paused longer trains it again from scratch: the state is gone). */
export const CELL_STATE_TTL_SECONDS = 7 * 24 * 3600;
