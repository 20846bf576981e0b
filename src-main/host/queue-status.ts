import type { RunQueueStatus } from '../../src-shared/model/queue-status';
import type { Store } from '../store';
import { describeRedisUrl } from '../queue/redis-url';
import { HostError } from './host-error';
import { resourcesDir as defaultResourcesDir } from './paths';

/**
 * `queue.status`: a queued run's jobs and the workers seen, read from its queue's Redis. A queue that
 * cannot be read (Redis gone, the run's data not on this machine to compute its key) is an answer,
 * not an error: the dashboard says so and keeps the run's stored placements as the record.
 */
export async function runQueueStatus(store: Store, runId: number, resourcesDir = defaultResourcesDir()): Promise<RunQueueStatus> {
  const run = store.runs.get(runId);
  if (!run) throw new HostError('not_found', `run ${runId} does not exist`, 'runId');
  const url = (run.config as { queue?: { redis?: unknown } }).queue?.redis;
  if (typeof url !== 'string') throw new HostError('invalid_request', `run ${runId} evaluates locally: it has no queue setting`, 'runId');
  try {
    // Loaded on first use: BullMQ and ioredis take ~0.3 s to import, which app start should not pay.
    const { queueStatus, queuedRunOf } = await import('../queue/status');
    const queued = queuedRunOf(run.config, resourcesDir);
    if (!queued) throw new Error(`run ${runId}'s queue setting or evaluator is not one this version reads`);
    return { reachable: true, status: await queueStatus(queued.url, queued.runKey) };
  } catch (error) {
    return { reachable: false, url: describeRedisUrl(url), error: error instanceof Error ? error.message : String(error) };
  }
}
