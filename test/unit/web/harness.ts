import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createHost, type Host } from '../../../src-main/host/host';
import type { EngineLauncher } from '../../../src-main/host/engine-launcher';
import type { EngineToHost } from '../../../src-main/engine/protocol';
import { startWebServer, type WebServer } from '../../../src-main/web/server';
import type { ServerMessage } from '../../../src-shared/transport';

export const TOKEN = 'test-token-0123456789abcdef';

/** A launcher that must never be reached by the requests these tests send. */
export const noEngine: EngineLauncher = () => {
  throw new Error('no engine process may start in these tests');
};

export type Running = { dir: string; host: Host; server: WebServer; base: string; stop(): Promise<void> };

/** A real web server on a free port, over a real SQLite file in its own temp dir, with a stand-in renderer page. */
export async function startTestServer(launcher: EngineLauncher = noEngine): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'nas-web-'));
  const rendererDir = join(dir, 'renderer');
  const dataDir = join(dir, 'data');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>workbench</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'console.log(1)');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'index-B5lSXvRQ.js'), 'console.log(2)');
  // No background writers (lease heartbeat, store watcher): the tests read PRAGMA data_version to
  // prove that a refused request wrote nothing, and a renewal of a held run's lease would move it.
  const host = createHost({ dataDir, mode: 'web', launcher, resourcesDir: dir, watch: false, leaseRenewMs: 3_600_000, leaseTtlMs: 7_200_000 });
  const server = await startWebServer({ host, token: TOKEN, rendererDir });
  return {
    dir,
    host,
    server,
    base: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.close();
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type HttpReply = { status: number; headers: IncomingHttpHeaders; body: string };

/** A raw HTTP request (path sent as is, not normalised the way fetch would). */
export function http(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function api(port: number, channel: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  return http(port, `/api/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Bytes straight onto a TCP connection; resolves with whatever came back before the server closed it. */
export function rawTcp(port: number, bytes: string | Buffer, waitMs = 300): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
    socket.write(bytes);
    setTimeout(() => socket.destroy(), waitMs);
  });
}

/** A ws client that collects what the server sends and how it closed. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.messages.push(JSON.parse(String(d)) as ServerMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static open(port: number, token = TOKEN, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { headers });
    const s = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(s));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Writes one client frame (masked with a zero key, so the payload goes as is). */
  rawFrame(opcode: number, payload: Buffer): void {
    const header = payload.length < 126 ? Buffer.from([0x80 | opcode, 0x80 | payload.length]) : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 255]);
    (this.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.concat([header, Buffer.alloc(4), payload]));
  }

  /** The `nth` reply (from 1) to `id`, waiting for it. */
  async reply(id: string | null, nth = 1, timeoutMs = 10_000): Promise<Extract<ServerMessage, { reply: unknown }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m): m is Extract<ServerMessage, { reply: unknown }> => 'reply' in m && m.id === id)[nth - 1];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no reply to ${id} within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  request(id: string, channel: string, request: unknown): Promise<Extract<ServerMessage, { reply: unknown }>> {
    const nth = this.messages.filter((m) => 'reply' in m && m.id === id).length + 1;
    this.ws.send(JSON.stringify({ id, channel, request }));
    return this.reply(id, nth);
  }
}

/**
 * An engine that never trains: it says ready, answers a backend probe, ignores a start, and exits
 * when stopped or killed. For requests that start runs, where the point is what the server records
 * (one run per request, nothing for a refused one), not the training; nothing it does writes to the
 * store after the reply to the request that started it.
 */
export function idleEngineLauncher(): { launcher: EngineLauncher; launches: () => number } {
  let launches = 0;
  const launcher: EngineLauncher = () => {
    launches++;
    let onExit: ((reason: string, code: number | null) => void) | null = null;
    let onMessage: ((m: EngineToHost) => void) | null = null;
    let exited = false;
    const exit = (reason: string): void => {
      if (exited) return;
      exited = true;
      queueMicrotask(() => onExit?.(reason, 0));
    };
    return {
      send: (m) => {
        if (m.type === 'stop') exit('stopped');
        else if (m.type === 'probe') queueMicrotask(() => onMessage?.({ type: 'backend', backend: 'test-engine', backendDetail: 'an idle stand-in' }));
      },
      onMessage: (l) => {
        onMessage = l;
        queueMicrotask(() => l({ type: 'ready' }));
      },
      onExit: (l) => {
        onExit = l;
      },
      kill: () => exit('killed'),
    };
  };
  return { launcher, launches: () => launches };
}
