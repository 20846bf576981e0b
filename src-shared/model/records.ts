import { z } from 'zod';
import { Genotype } from './genotype';
import { RUN_STATUSES } from './run-keys';

/** What the store holds, as the contract returns it. Ids are SQLite integer row ids. */

export const Experiment = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  createdAt: z.string(), // ISO 8601
  runCount: z.number().int(),
});
export type Experiment = z.infer<typeof Experiment>;

/** The statuses, with what `interrupted` means: run-keys.ts. */
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
/** A process is working on the run right now (this one or another). */
export const LIVE_STATUSES: readonly RunStatus[] = ['queued', 'running'];

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
  /** The process holding the run (`hostname:pid:nonce`) while it is queued or running, else null. */
  owner: z.string().nullable(),
  /** When its process last showed it was alive (lease renewal); for an interrupted run, when it died at the latest. */
  lastSeenAt: z.string().nullable(),
  /** Step of the newest recorded checkpoint, null when it has none. */
  checkpointStep: z.number().int().nullable(),
  /** It can be resumed: interrupted or failed, with a checkpoint to resume from. */
  resumable: z.boolean(),
});
export type Run = z.infer<typeof Run>;

/** A checkpoint file the engine wrote and the host recorded. */
export const CheckpointRecord = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  step: z.number().int(),
  epoch: z.number(),
  file: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
});
export type CheckpointRecord = z.infer<typeof CheckpointRecord>;

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
  /** When each point was written (unix ms); null for points stored before the store recorded it. */
  times: z.array(z.number().nullable()),
});
export type MetricSeries = z.infer<typeof MetricSeries>;
