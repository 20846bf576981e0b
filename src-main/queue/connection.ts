import type { RedisOptions } from 'bullmq';
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
