import { z } from 'zod';

/**
 * Where a black-box run's evaluations go: a Redis URL (redis:// or rediss:// for TLS, a password
 * as redis://:password@host:6379 or in $NAS_WORKBENCH_REDIS_PASSWORD on every machine) whose
 * BullMQ queue `worker` processes serve (docs/queue.md). Absent: the run evaluates locally.
 */
export const QueueSetting = z
  .object({
    redis: z.string().regex(/^rediss?:\/\/\S+$/, { message: 'the queue URL must start with redis:// (or rediss:// for TLS), e.g. redis://127.0.0.1:6379' })
      .default('redis://127.0.0.1:6379')
      .meta({ title: 'Queue: Redis URL', description: 'evaluations run on the workers of this Redis (npm run cli -- worker --redis URL)' }),
    attempts: z.number().int().min(1).max(100).default(3).meta({ title: 'Queue: attempts per evaluation' }),
    /** The first retry waits this long, each further one twice as long (BullMQ's exponential backoff). */
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000).meta({ title: 'Queue: first retry after (ms)' }),
    timeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(3600)
      .meta({ title: 'Queue: time limit per attempt (s)', description: 'a worker gives an evaluation up after this long and it is retried' }),
  })
  .strict();
export type QueueSetting = z.infer<typeof QueueSetting>;

/** Where a queued evaluation ran: the worker's id (host:pid), its host and the attempts it took. */
export const Placement = z
  .object({
    worker: z.string(),
    host: z.string(),
    /** Attempts started, the finishing one included: above 1 the job was retried (a worker died or an attempt failed). */
    attempts: z.number().int().min(1),
    state: z.enum(['done', 'retried']),
  })
  .strict();
export type Placement = z.infer<typeof Placement>;
