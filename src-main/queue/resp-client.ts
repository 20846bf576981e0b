import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * A minimal Redis client (RESP2 over TCP or TLS) shaped like Bun's built-in RedisClient, which
 * BullMQ recognises (`send` + `connected`) and wraps in its own adapter. We need it because bullmq
 * 6 no longer depends on ioredis (an optional peer we do not install): BullMQ's adapter does the
 * scripts, transactions, blocking reads and reconnects; this file only speaks the wire protocol.
 */

export type RespReply = string | number | null | RespReply[];

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

function encode(command: string, args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`)];
  for (const a of [command, ...args]) {
    const bytes = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply from `buf` at `at`; null when the buffer does not hold all of it yet. */
function parse(buf: Buffer, at: number): { value: RespReply | Error; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const head = buf.toString('utf8', at + 1, eol);
  switch (buf[at]) {
    case 0x2b: // + simple string
      return { value: head, end: eol + 2 };
    case 0x2d: // - error
      return { value: new Error(head), end: eol + 2 };
    case 0x3a: // : integer
      return { value: Number(head), end: eol + 2 };
    case 0x24: { // $ bulk string
      const n = Number(head);
      if (n < 0) return { value: null, end: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return null;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case 0x2a: { // * array
      const n = Number(head);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: RespReply[] = [];
      let end = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, end);
        if (!item) return null;
        // An error inside an array (EXEC's failed command) stays a value for the caller to inspect.
        items.push(item.value as RespReply);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`Redis sent a reply this client cannot read (type byte ${buf[at]}): is the URL a Redis server?`);
  }
}

interface Pending {
  resolve: (v: RespReply) => void;
  reject: (e: Error) => void;
}

export class RespClient {
  connected = false;
  onconnect: () => void = () => {};
  onclose: (error?: Error) => void = () => {};
  onerror: (error: Error) => void = () => {};
  private socket: Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closing = false;

  constructor(readonly url: string) {
    parseRedisUrl(url); // fail at construction on a bad URL, not on the first command
  }

  /** Opens the socket, authenticates and selects the database; `onconnect` fires after. */
  connect(): Promise<void> {
    const target = parseRedisUrl(this.url);
    return new Promise<void>((resolve, reject) => {
      const socket = target.tls
        ? tlsConnect({ host: target.host, port: target.port, servername: target.host })
        : tcpConnect({ host: target.host, port: target.port });
      socket.setNoDelay(true);
      this.socket = socket;
      let opened = false;
      socket.once(target.tls ? 'secureConnect' : 'connect', () => {
        this.connected = true;
        const setup: Promise<unknown>[] = [];
        if (target.password) setup.push(this.send('AUTH', target.username ? [target.username, target.password] : [target.password]));
        if (target.db !== 0) setup.push(this.send('SELECT', [String(target.db)]));
        Promise.all(setup).then(
          () => {
            opened = true;
            resolve();
            this.onconnect();
          },
          (error: Error) => {
            reject(new Error(`Redis at ${target.host}:${target.port} refused the login: ${error.message}`));
            this.close();
          },
        );
      });
      socket.on('data', (chunk: Buffer) => this.receive(chunk));
      socket.on('error', (error) => {
        if (!opened) reject(new Error(`cannot reach Redis at ${target.host}:${target.port}: ${error.message}`));
        this.onerror(error);
      });
      socket.on('close', () => {
        const was = this.connected;
        this.connected = false;
        this.socket = null;
        const error = new Error('Connection closed');
        for (const p of this.pending.splice(0)) p.reject(error);
        if (was || opened) this.onclose(this.closing ? undefined : error);
      });
    });
  }

  send(command: string, args: readonly (string | Buffer | number)[]): Promise<RespReply> {
    if (!this.socket || !this.connected) return Promise.reject(new Error('Connection closed'));
    return new Promise<RespReply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket!.write(encode(command, args));
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  /** A new client aimed at the same server (BullMQ opens one per blocking reader). */
  async duplicate(): Promise<RespClient> {
    return new RespClient(this.url);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      if (at >= this.buffer.length) break;
      const reply = parse(this.buffer, at);
      if (!reply) break;
      at = reply.end;
      const p = this.pending.shift();
      if (!p) continue; // a reply nobody asked for (cannot happen without pub/sub, which BullMQ does not use here)
      if (reply.value instanceof Error) p.reject(reply.value);
      else p.resolve(reply.value);
    }
    this.buffer = at >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(at);
  }
}
