/**
 * The queue's Redis URL: checked here with a message that says what is wrong (ioredis would retry a
 * bad one forever), its password from the URL or NAS_WORKBENCH_REDIS_PASSWORD, masked in logs.
 */

/** Where and how to connect, parsed from a redis:// or rediss:// URL. */
export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
}

/** The environment variable a password is read from when the URL carries none (so it is not stored with the run). */
export const REDIS_PASSWORD_ENV = 'NAS_WORKBENCH_REDIS_PASSWORD';

/** Parses `redis[s]://[user[:password]@]host[:port][/db]`; throws a message saying what is wrong. */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a Redis URL: write redis://host:6379 (or rediss:// for TLS, redis://:password@host:6379/0 with a password)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`'${url}' is not a Redis URL: it must start with redis:// or rediss:// (TLS)`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`'${url}': the database after the slash must be a whole number, got '${u.pathname.slice(1)}'`);
  const password = u.password ? decodeURIComponent(u.password) : process.env[REDIS_PASSWORD_ENV] || undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password,
    db,
  };
}

/** The URL with its password masked, for logs. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
