import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createWebSocketApi, type WebSocketApi } from '../../../src-renderer/api/client';
import type { ConnectionState } from '../../../src-renderer/api/connection';
import type { ClientMessage } from '../../../src-shared/transport';

/**
 * The web client (Node 22's WebSocket, as in a browser) against a real `ws` server in this process,
 * scripted per test: when it says hello, which instance it claims, whether it answers or drops.
 */
type Script = { instance: string; onMessage(ws: ServerSocket, m: ClientMessage, connection: number): void; hello?: boolean };

class ScriptedServer {
  readonly received: { connection: number; message: ClientMessage }[] = [];
  readonly connectedAt: number[] = [];
  wss: WebSocketServer | null = null;
  constructor(public script: Script) {}

  start(port = 0): Promise<number> {
    return new Promise((resolve) => {
      const wss: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port }, () => resolve((wss.address() as AddressInfo).port));
      this.wss = wss;
      wss.on('connection', (ws) => {
        const connection = this.connectedAt.push(Date.now());
        ws.on('message', (d) => {
          const message = JSON.parse(String(d)) as ClientMessage;
          this.received.push({ connection, message });
          this.script.onMessage(ws, message, connection);
        });
        if (this.script.hello !== false) ws.send(JSON.stringify({ hello: { instance: this.script.instance } }));
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      for (const c of this.wss?.clients ?? []) c.terminate();
      this.wss?.close(() => resolve());
    });
  }
}

const answer = (ws: ServerSocket, m: ClientMessage, data: unknown = { echoed: m.request }): void =>
  ws.send(JSON.stringify({ id: m.id, reply: { ok: true, data } }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the web client', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(script: Script, options: Parameters<typeof createWebSocketApi>[1] = {}): Promise<{ server: ScriptedServer; api: WebSocketApi; states: ConnectionState[]; port: number }> {
    const server = new ScriptedServer(script);
    const port = await server.start();
    const states: ConnectionState[] = [];
    const api = createWebSocketApi(`ws://127.0.0.1:${port}/ws`, { backoffInitialMs: 20, backoffMaxMs: 100, sessionId: 's', onStatus: (s) => states.push(s), ...options });
    cleanup.push(() => server.stop(), () => api.close());
    return { server, api, states, port };
  }

  it('sends a request made before the socket opens exactly once', async () => {
    const { server, api } = await setup({ instance: 'A', onMessage: (ws, m) => answer(ws, m) });
    const [a, b] = await Promise.all([api.request('experiments.list', {}), api.request('runs.list', {})]);
    expect(a).toEqual({ echoed: {} });
    expect(b).toEqual({ echoed: {} });
    await wait(50);
    expect(server.received.map((r) => r.message.id)).toEqual(['s-1', 's-2']);
  });

  it('re-sends a pending request with the same id after a drop, once per connection, when the same server answers', async () => {
    const { server, api, states } = await setup({
      instance: 'A',
      onMessage: (ws, m, connection) => (connection === 1 ? ws.terminate() : answer(ws, m, 'second connection')),
    });
    expect(await api.request('runs.start', { config: { algorithm: 'train' } } as never)).toBe('second connection');
    expect(server.received.map((r) => [r.connection, r.message.id, r.message.channel])).toEqual([
      [1, 's-1', 'runs.start'],
      [2, 's-1', 'runs.start'],
    ]);
    expect(states.map((s) => s.status)).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('fails what was in flight when the server restarted (new instance), and sends what was not yet sent', async () => {
    const { server, api } = await setup({ instance: 'A', onMessage: (ws) => ws.terminate() });
    const inFlight = api.request('runs.start', { config: { algorithm: 'train' } } as never);
    const failure = expect(inFlight).rejects.toThrow(/restarted while this request was in flight; it may or may not have been carried out/);
    for (let i = 0; i < 200 && server.received.length === 0; i++) await wait(5);
    server.script = { instance: 'B', onMessage: (ws, m) => answer(ws, m) };
    await failure;
    expect(await api.request('experiments.list', {})).toEqual({ echoed: {} });
    expect(server.received.filter((r) => r.message.channel === 'runs.start').length).toBe(1);
  });

  it('fails requests when the first connection is refused, reconnects with doubling delays up to the cap, and recovers', async () => {
    const port = await freePort();
    const states: ConnectionState[] = [];
    const api = createWebSocketApi(`ws://127.0.0.1:${port}/ws`, { backoffInitialMs: 40, backoffMaxMs: 160, offlineGraceMs: 300, onStatus: (s) => states.push(s) });
    cleanup.push(() => api.close());
    const started = Date.now();
    await expect(api.request('experiments.list', {})).rejects.toThrow(/not reachable/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3000);
    // Made while offline past the grace: fails at once.
    const quick = Date.now();
    await expect(api.request('experiments.list', {})).rejects.toThrow(/not reachable/);
    expect(Date.now() - quick).toBeLessThan(50);
    expect(states.every((s) => s.status === 'disconnected')).toBe(true);
    expect(states.map((s) => s.attempt).slice(0, 3)).toEqual([1, 2, 3]);

    const server = new ScriptedServer({ instance: 'A', onMessage: (ws, m) => answer(ws, m) });
    await server.start(port);
    cleanup.push(() => server.stop());
    for (let i = 0; i < 100 && api.state().status !== 'connected'; i++) await wait(20);
    expect(api.state().status).toBe('connected');
    expect(await api.request('experiments.list', {})).toEqual({ echoed: {} });
  });

  it('waits 1, 2, 4, then the capped 4 backoff units between attempts', async () => {
    // A server that accepts each connection and closes it at once, before hello.
    const server = new ScriptedServer({ instance: 'A', hello: false, onMessage: () => undefined });
    const port = await server.start();
    cleanup.push(() => server.stop());
    server.wss!.on('connection', (ws) => ws.close());
    const client = createWebSocketApi(`ws://127.0.0.1:${port}/ws`, { backoffInitialMs: 60, backoffMaxMs: 240 });
    cleanup.push(() => client.close());
    client.on('run.status', () => undefined);
    for (let i = 0; i < 300 && server.connectedAt.length < 5; i++) await wait(10);
    const at = server.connectedAt.slice(0, 5);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    const expected = [60, 120, 240, 240];
    expect(gaps.length).toBe(4);
    gaps.forEach((gap, i) => {
      // At least the delay (a timer never fires early); the margin above covers the close handshake on a loaded machine.
      expect(gap).toBeGreaterThanOrEqual(expected[i] - 5);
      expect(gap).toBeLessThan(expected[i] + 200);
    });
  });

  it('fails every request on a refused token (4401) and stops reconnecting', async () => {
    const { server, api } = await setup({ instance: 'A', hello: false, onMessage: () => undefined });
    server.wss!.on('connection', (ws) => ws.close(4401, 'missing or wrong token'));
    await expect(api.request('experiments.list', {})).rejects.toThrow(/missing or wrong token/);
    await expect(api.request('experiments.list', {})).rejects.toThrow(/wrong token/);
    await wait(100);
    expect(server.connectedAt.length).toBe(1);
    expect(api.state().status).toBe('unauthorized');
  });

  it('fails a request the server never answers after the request timeout', async () => {
    const { api } = await setup({ instance: 'A', onMessage: () => undefined }, { requestTimeoutMs: 150 });
    await expect(api.request('experiments.list', {})).rejects.toThrow(/no reply from the workbench within/);
  });
});
