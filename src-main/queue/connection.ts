import { Queue, QueueEvents, type RedisOptions } from 'bullmq';
import { EVALUATION_QUEUE } from './job';
import { describeRedisUrl, parseRedisUrl } from './redis-url';

/**
 * BullMQ connection options for a Redis URL: BullMQ opens its clients (queue, events reader, a
 * worker's blocking reader) with ioredis from these. Auth, the database and TLS (rediss://) come
 * from the URL; a bad URL fails here with its own message, before ioredis would retry it forever.
 */
export function connectionFor(url: string): RedisOptions {
  const target = parseRedisUrl(url);
  return {
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    db: target.db,
    tls: target.tls ? { servername: target.host } : undefined,
    // BullMQ's workers block on Redis: a command must wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}

/** How long a queue, its events reader or a worker may take to reach Redis before we say so. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** A BullMQ queue, events reader or worker, as far as opening it goes. */
interface Opening {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
  once(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Waits for BullMQ objects to reach Redis. The first connection error (refused, unknown host, wrong
 * password) or CONNECT_TIMEOUT_MS without an answer closes them and throws a message saying
 * what to check; ioredis itself would keep retrying silently.
 */
export async function readyOrExplain(url: string, parts: readonly Opening[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: ((error: Error) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    const check = 'is redis-server running there, and the URL (host, port, password, rediss:// for TLS) right?';
    timer = setTimeout(() => reject(new Error(`no answer from Redis at ${describeRedisUrl(url)} within ${CONNECT_TIMEOUT_MS / 1000} s: ${check}`)), CONNECT_TIMEOUT_MS);
    onError = (error: Error) => reject(new Error(`cannot reach Redis at ${describeRedisUrl(url)}: ${error.message}; ${check}`));
    for (const p of parts) p.once('error', onError);
  });
  try {
    await Promise.race([Promise.all(parts.map((p) => p.waitUntilReady())), failed]);
  } catch (error) {
    // close() on a connection still initializing drops it without waiting for Redis.
    await Promise.allSettled(parts.map((p) => p.close()));
    throw error;
  } finally {
    clearTimeout(timer);
    for (const p of parts) p.removeListener('error', onError as (error: Error) => void);
  }
}

/**
 * The evaluation queue and its events reader, both connected, for a machine that adds jobs and
 * awaits them. Connection errors while BullMQ reconnects later go to `warn` once per message
 * (BullMQ would print every one to the console); before both are ready, this throws them.
 */
export async function openEvaluationQueue(url: string, warn?: (message: string) => void): Promise<{ queue: Queue; events: QueueEvents }> {
  const connection = connectionFor(url);
  const queue = new Queue(EVALUATION_QUEUE, { connection });
  queue.setMaxListeners(0);
  let ready = false;
  let last = '';
  const onError = (error: Error) => {
    if (!ready || error.message === last) return;
    last = error.message;
    warn?.(`queue: ${error.message}`);
  };
  queue.on('error', onError);
  // The queue first: an events reader that never reached Redis does not close (its read loop
  // keeps retrying), so it is opened only once Redis answers.
  await readyOrExplain(url, [queue]);
  const events = new QueueEvents(EVALUATION_QUEUE, { connection });
  events.on('error', onError);
  // One waiter per job in flight listens on the events object.
  events.setMaxListeners(0);
  try {
    await readyOrExplain(url, [events]);
  } catch (error) {
    await queue.close();
    throw error;
  }
  ready = true;
  return { queue, events };
}

/** How long a job may wait with no worker connected before the run's log says so. */
export const NO_WORKER_WARNING_MS = 10_000;

/** Tells `warn` (once per call) that no worker takes jobs from the queue at `url`, when none is connected. */
export async function warnWithoutWorkers(queue: Queue, url: string, warn: (message: string) => void): Promise<boolean> {
  const workers = await queue.getWorkersCount().catch(() => -1);
  if (workers !== 0) return false;
  warn(`no worker takes jobs from ${describeRedisUrl(url)}; the run waits: start one with npm run cli -- worker --redis URL`);
  return true;
}
