import { z } from 'zod';

/**
 * What the evaluation queue holds, as read from Redis (src-main/queue/status.ts): the CLI's
 * `queue status` prints it, and a queued run's dashboard polls it (`queue.status`) while the run is live.
 */

/**
 * A job's state: `waiting` (in line, or back in line after its worker died), `delayed` (an attempt
 * failed; waiting for its backoff before the next), `active` (a worker runs it), `done` (finished on
 * its first attempt), `retried` (finished after more than one), `failed` (every attempt failed).
 */
export const QueueJobState = z.enum(['waiting', 'delayed', 'active', 'done', 'retried', 'failed']);
export type QueueJobState = z.infer<typeof QueueJobState>;

export const QueueJob = z.object({
  /** The idempotency key, `runKey:trialIndex` (docs/queue.md). */
  key: z.string(),
  trialIndex: z.number().int().min(0),
  state: QueueJobState,
  /** The worker that finished it, runs it, or ran its last attempt; null when none took it yet. */
  worker: z.string().nullable(),
  /** Attempts started so far (the finishing one included). */
  attempts: z.number().int().min(0),
  /** Why the last failed attempt failed, when one did. */
  reason: z.string().nullable(),
});
export type QueueJob = z.infer<typeof QueueJob>;

export const QueueWorker = z.object({
  /** `host:pid`, as the worker records it with its results. */
  name: z.string(),
  /** Connected to Redis now (BullMQ names each worker's connection). */
  connected: z.boolean(),
  /** When it was last seen: at this reading when connected, else when the last job listed here that it ran ended. */
  lastSeen: z.string(),
  /** Jobs listed here that it finished or runs. */
  jobs: z.number().int().min(0),
});
export type QueueWorker = z.infer<typeof QueueWorker>;

export const QueueCounts = z.object({
  waiting: z.number().int().min(0),
  delayed: z.number().int().min(0),
  active: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type QueueCounts = z.infer<typeof QueueCounts>;

export const QueueStatus = z.object({
  /** The queue's Redis URL, any password masked. */
  url: z.string(),
  /** The whole queue's jobs by state (every run on this Redis). */
  counts: QueueCounts,
  /** With a run key: that run's jobs in trial order; without: the queue's waiting, active and last failed jobs. */
  runKey: z.string().nullable(),
  jobs: z.array(QueueJob),
  /** Workers connected now, and those that ran a job listed here. */
  workers: z.array(QueueWorker),
  readAt: z.string(),
});
export type QueueStatus = z.infer<typeof QueueStatus>;

/** A queued run's queue as the dashboard gets it: the status, or why the queue could not be read. */
export const RunQueueStatus = z.discriminatedUnion('reachable', [
  z.object({ reachable: z.literal(true), status: QueueStatus }),
  z.object({ reachable: z.literal(false), url: z.string(), error: z.string() }),
]);
export type RunQueueStatus = z.infer<typeof RunQueueStatus>;
