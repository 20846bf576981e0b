import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';

/** A port the OS just handed out on loopback (closed again, so redis-server can take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** Debian's redis-server on a free loopback port, without persistence; answers PING before this resolves. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {}); // a refused connection while the server starts is expected: retried below
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') break;
    } catch {
      if (i > 100 || child.exitCode !== null) throw new Error(`redis-server on port ${port} did not answer PING (is it installed? scripts/install.sh installs it)`);
    } finally {
      client.disconnect();
    }
    await sleep(50);
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

export interface WorkerProcess {
  /** The id the worker records with its results (host:pid of the process that runs it). */
  id: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGKILL to the whole process group: tsx runs the CLI in a child process of its own. */
  kill(): void;
  /** SIGTERM to tsx, which relays it to the CLI once (to the group, the CLI would get it twice: a forced stop). */
  terminate(): void;
}

/** The real CLI's `worker` command as its own process group; resolves once it takes jobs. */
export async function startWorker(url: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [tsx, 'src-main/cli/main.ts', 'worker', '--redis', url, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; ; i++) {
    const m = /worker (\S+) takes evaluations/.exec(text);
    if (m) {
      return {
        id: m[1],
        child,
        output: () => text,
        exited,
        kill() {
          if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
        },
        terminate() {
          child.kill('SIGTERM');
        },
      };
    }
    if (child.exitCode !== null || i > 1200) throw new Error(`the worker did not start:\n${text}`);
    await sleep(50);
  }
}
