import { Queue, type Job } from 'bullmq';
import { QueueSetting } from '../../src-shared/model/queue';
import { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import type { QueueJob, QueueJobState, QueueStatus, QueueWorker } from '../../src-shared/model/queue-status';
import { connectionFor, readyOrExplain } from './connection';
import { datasetReferenceOf } from './dataset-ref';
import { EVALUATION_QUEUE, EvaluationResult, jobIdOf } from './job';
import { runKeyOf } from './queue-evaluator';
import { describeRedisUrl } from './redis-url';

/** Job ids probed at once when listing a run's jobs (one Redis round trip per id, sent together). */
const PROBE_BATCH = 64;
/** Without a run: at most this many waiting / delayed jobs and the newest failed ones. */
const LIST_LIMIT = 50;
const FAILED_LIMIT = 10;

/** A queued run's Redis URL and its key on the queue (the prefix of its job ids); null for a run that evaluates locally. */
export function queuedRunOf(config: unknown, resourcesDir: string): { url: string; runKey: string } | null {
  const c = config as { queue?: unknown; evaluator?: unknown };
  const setting = QueueSetting.safeParse(c?.queue);
  const evaluator = BlackBoxEvaluatorConfig.safeParse(c?.evaluator);
  if (c?.queue === undefined || !setting.success || !evaluator.success) return null;
  // The engine computes the key from the run's stored config exactly so (createQueuedEvaluator).
  return { url: setting.data.redis, runKey: runKeyOf(config as object, datasetReferenceOf(evaluator.data, resourcesDir)) };
}

/**
 * The job's state as of the hash read: a finished job says so in its hash (finishedOn, and a result
 * or not); for an unfinished one BullMQ's state is asked, and if the job finished between the two
 * reads it is reported as it was when read (active), so state, worker and reason agree.
 */
async function stateOf(job: Job, finished: EvaluationResult | null): Promise<QueueJobState> {
  if (job.finishedOn) return finished ? (finished.attempt > 1 ? 'retried' : 'done') : 'failed';
  const state = await job.getState();
  if (state === 'active' || state === 'delayed') return state;
  if (state === 'completed' || state === 'failed') return 'active';
  return 'waiting'; // waiting (also on a paused queue), prioritized, waiting-children, or just moved back after a stall
}

async function describeJob(job: Job): Promise<QueueJob & { lastTouched: number }> {
  const result = EvaluationResult.safeParse(job.returnvalue);
  const progress = (job.progress ?? {}) as { worker?: unknown };
  const finished = job.finishedOn && result.success ? result.data : null;
  const data = (job.data ?? {}) as { key?: unknown; trialIndex?: unknown };
  return {
    key: typeof data.key === 'string' ? data.key : String(job.id),
    trialIndex: typeof data.trialIndex === 'number' ? data.trialIndex : 0,
    state: await stateOf(job, finished),
    worker: finished?.worker ?? (typeof progress.worker === 'string' ? progress.worker : null),
    attempts: finished?.attempt ?? job.attemptsStarted ?? 0,
    reason: job.failedReason || null,
    lastTouched: job.finishedOn ?? job.processedOn ?? 0,
  };
}

/** The run's jobs in trial order: ids runKey-0, runKey-1, … (one query at a time, so they are consecutive) up to the first missing. */
async function jobsOfRun(queue: Queue, runKey: string): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let start = 0; ; start += PROBE_BATCH) {
    const batch = await Promise.all(Array.from({ length: PROBE_BATCH }, (_, i) => queue.getJob(jobIdOf(`${runKey}:${start + i}`))));
    const missing = batch.findIndex((j) => !j);
    jobs.push(...(batch.slice(0, missing === -1 ? batch.length : missing) as Job[]));
    if (missing !== -1) return jobs;
  }
}

/** The queue's active, first waiting and delayed, and newest failed jobs. */
async function jobsOfQueue(queue: Queue): Promise<Job[]> {
  const [live, failed] = await Promise.all([
    queue.getJobs(['active', 'waiting', 'delayed'], 0, LIST_LIMIT - 1, true),
    queue.getJobs(['failed'], 0, FAILED_LIMIT - 1),
  ]);
  return [...live, ...failed].filter((j): j is Job => !!j);
}

/**
 * Reads the queue at `url`: counts by state over every run, the jobs of the run `runKey` (or, without
 * one, the queue's live and newest failed jobs) with state and worker, and the workers seen (connected
 * now, or named by a listed job) with when each was last seen. Throws, within CONNECT_TIMEOUT_MS,
 * a message saying what to check when Redis cannot be reached.
 */
export async function queueStatus(url: string, runKey?: string): Promise<QueueStatus> {
  // A command fails after one reconnect instead of waiting for Redis forever (what BullMQ's workers need,
  // not a reader): a Redis that goes away mid-read fails this read.
  const queue = new Queue(EVALUATION_QUEUE, { connection: { ...connectionFor(url), maxRetriesPerRequest: 1 } });
  queue.on('error', () => {}); // reported by readyOrExplain, or by the command that fails
  try {
    await readyOrExplain(url, [queue]);
    const now = Date.now();
    const [counts, clients, jobs] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
      queue.getWorkers(),
      runKey ? jobsOfRun(queue, runKey) : jobsOfQueue(queue),
    ]);
    const described = await Promise.all(jobs.map(describeJob));

    const workers = new Map<string, QueueWorker & { at: number }>();
    const see = (name: string, at: number, connected: boolean, job: boolean) => {
      const w = workers.get(name) ?? { name, connected: false, lastSeen: '', jobs: 0, at: 0 };
      w.connected ||= connected;
      w.at = Math.max(w.at, at);
      if (job) w.jobs++;
      workers.set(name, w);
    };
    // BullMQ names a worker's connections bull:<queue>:w:<worker name>; ours are named host:pid.
    // Connected is seen now: a worker waiting for jobs leaves its connection idle for minutes.
    for (const c of clients) {
      const name = c.rawname?.split(':w:')[1];
      if (name) see(name, now, true, false);
    }
    for (const j of described) if (j.worker && j.state !== 'waiting' && j.state !== 'delayed') see(j.worker, j.lastTouched, false, true);

    return {
      url: describeRedisUrl(url),
      counts: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      runKey: runKey ?? null,
      jobs: described.map(({ lastTouched: _t, ...j }) => j),
      workers: [...workers.values()].sort((a, b) => a.name.localeCompare(b.name)).map(({ at, ...w }) => ({ ...w, lastSeen: new Date(at).toISOString() })),
      readAt: new Date(now).toISOString(),
    };
  } finally {
    await queue.close();
  }
}
