import { createBunRedisClient, RedisConnection, type BunRedisRawClient, type RedisOptions } from 'bullmq';
import { describeRedisUrl, parseRedisUrl, RespClient } from './resp-client';

/**
 * BullMQ connection options for a Redis URL. Every client BullMQ opens (its queue, its events
 * reader, a worker's blocking reader) is a RespClient behind BullMQ's own adapter, installed once
 * per process as BullMQ's client factory (without one BullMQ would load ioredis, which we do not
 * install). Auth, the database and TLS (rediss://) come from the URL.
 */
export function connectionFor(url: string): RedisOptions {
  parseRedisUrl(url); // a bad URL fails here with its own message, before BullMQ retries it forever
  RedisConnection.clientFactory ??= (opts: RedisOptions) => {
    if (typeof opts.url !== 'string') throw new Error('a queue connection needs a redis:// URL');
    const client = createBunRedisClient(new RespClient(opts.url) as unknown as BunRedisRawClient);
    // BullMQ names a worker's connection so that Queue.getWorkers() finds it (CLIENT LIST); the
    // adapter sends CLIENT SETNAME on connect, which happens after this synchronous assignment.
    if (typeof opts.connectionName === 'string') (client as unknown as { connectionName: string }).connectionName = opts.connectionName;
    return client;
  };
  return { url };
}

/** How long a queue, its events reader or a worker may take to reach Redis before we say so. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Waits for BullMQ objects to reach Redis; past CONNECT_TIMEOUT_MS closes them and throws a message
 * saying what to check (BullMQ itself would keep retrying silently).
 */
export async function readyOrExplain(url: string, parts: readonly { waitUntilReady(): Promise<unknown>; close(): Promise<void> }[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis at ${describeRedisUrl(url)} within ${CONNECT_TIMEOUT_MS / 1000} s: is redis-server running there, and the URL (host, port, password, rediss:// for TLS) right?`)), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(parts.map((p) => p.waitUntilReady())), timeout]);
  } catch (error) {
    await Promise.allSettled(parts.map((p) => p.close()));
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
