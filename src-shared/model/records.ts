import { z } from 'zod';
import { Genotype } from './genotype';

/** What the store holds, as the contract returns it. Ids are SQLite integer row ids. */

export const Experiment = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  createdAt: z.string(), // ISO 8601
  runCount: z.number().int(),
});
export type Experiment = z.infer<typeof Experiment>;

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export const Run = z.object({
  id: z.number().int(),
  experimentId: z.number().int(),
  name: z.string(),
  algorithm: z.string(),
  /** The complete, validated RunConfig (defaults filled in), as JSON. */
  config: z.unknown(),
  seed: z.number().int(),
  status: RunStatus,
  /** The tfjs backend the engine ran on (`wasm`, `tensorflow`, `cpu`, ...), null until it starts. */
  backend: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Why the run failed, for a failed run. */
  error: z.string().nullable(),
  /** Last reported progress (steps or queries) against the planned total. */
  progressDone: z.number().int(),
  progressTotal: z.number().int(),
});
export type Run = z.infer<typeof Run>;

export const GenotypeRecord = z.object({
  runId: z.number().int(),
  step: z.number().int(),
  epoch: z.number(),
  final: z.boolean(),
  genotype: Genotype,
  createdAt: z.string(),
});
export type GenotypeRecord = z.infer<typeof GenotypeRecord>;

export const LogLine = z.object({
  runId: z.number().int(),
  time: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const ArtifactRecord = z.object({
  runId: z.number().int(),
  kind: z.string(),
  step: z.number().int(),
  data: z.unknown(),
});
export type ArtifactRecord = z.infer<typeof ArtifactRecord>;

/** A metric series as the charts want it: parallel arrays, downsampled on request. */
export const MetricSeries = z.object({
  key: z.string(),
  steps: z.array(z.number()),
  epochs: z.array(z.number()),
  values: z.array(z.number()),
});
export type MetricSeries = z.infer<typeof MetricSeries>;
