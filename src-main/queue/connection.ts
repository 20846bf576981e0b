import { createBunRedisClient, RedisConnection, type BunRedisRawClient, type RedisOptions } from 'bullmq';
import { parseRedisUrl, RespClient } from './resp-client';

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
