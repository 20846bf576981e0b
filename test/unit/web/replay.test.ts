import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayCache, REPLAY_MAX_REPLY_CHARS } from '../../../src-main/web/replay-cache';
import type { Channel, Reply } from '../../../src-shared/contract';
import { api, idleEngineLauncher, startTestServer, TestSocket, type Running } from './harness';

const START = { name: 'once', config: { algorithm: 'train', steps: 5 } };

describe('a replayed request runs once', () => {
  let s: Running;
  let engine: ReturnType<typeof idleEngineLauncher>;
  beforeAll(async () => {
    engine = idleEngineLauncher();
    s = await startTestServer(engine.launcher);
  });
  afterAll(async () => {
    await s.stop();
  });

  it('answers runs.start re-sent with the same id (another connection) with the first run', async () => {
    const first = await TestSocket.open(s.server.port);
    const a = await first.request('session-a-1', 'runs.start', START);
    first.ws.close();
    const second = await TestSocket.open(s.server.port);
    const b = await second.request('session-a-1', 'runs.start', START);
    second.ws.close();
    expect(a.reply.ok).toBe(true);
    expect(b.reply).toEqual(a.reply);
    expect(s.host.store.runs.list().length).toBe(1);
    expect(engine.launches()).toBe(1);
  });

  it('runs a request sent twice at once with the same id once: the second waits on the first', async () => {
    const ws = await TestSocket.open(s.server.port);
    const before = s.host.store.experiments.list().length;
    ws.ws.send(JSON.stringify({ id: 'twin', channel: 'experiments.create', request: { name: 'twin' } }));
    ws.ws.send(JSON.stringify({ id: 'twin', channel: 'experiments.create', request: { name: 'twin' } }));
    await ws.reply('twin', 2);
    const replies = ws.messages.filter((m) => 'reply' in m && m.id === 'twin');
    expect(replies.length).toBe(2);
    expect(replies[1]).toEqual(replies[0]);
    expect(s.host.store.experiments.list().length).toBe(before + 1);
    ws.ws.close();
  });

  it('refuses an id reused for another request', async () => {
    const ws = await TestSocket.open(s.server.port);
    await ws.request('reuse', 'experiments.create', { name: 'first' });
    const other = await ws.request('reuse', 'experiments.create', { name: 'second' });
    expect(other.reply).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(s.host.store.experiments.list().map((e) => e.name)).not.toContain('second');
    ws.ws.close();
  });

  it('honours Idempotency-Key on POST /api, separately from WebSocket ids', async () => {
    const runsBefore = s.host.store.runs.list().length;
    const a = await api(s.server.port, 'runs.start', START, { 'idempotency-key': 'session-a-1' });
    const b = await api(s.server.port, 'runs.start', START, { 'idempotency-key': 'session-a-1' });
    expect(a.status).toBe(200);
    expect(JSON.parse(b.body)).toEqual(JSON.parse(a.body));
    expect(s.host.store.runs.list().length).toBe(runsBefore + 1);
    const without = await api(s.server.port, 'runs.start', START);
    expect(without.status).toBe(200);
    expect(s.host.store.runs.list().length).toBe(runsBefore + 2);
  });
});

describe('ReplayCache', () => {
  const ok = (data: unknown): Promise<Reply<Channel>> => Promise.resolve({ ok: true, data } as Reply<Channel>);

  it('forgets an id after its time limit, and the oldest id past its size bound', async () => {
    let now = 0;
    const cache = new ReplayCache(() => now, 3, 1000);
    let calls = 0;
    const run = (): Promise<Reply<Channel>> => ok(++calls);
    await cache.run('a', 'c', {}, run);
    await cache.run('a', 'c', {}, run);
    expect(calls).toBe(1);
    now = 1000; // expiry is exclusive: at ttl the entry is gone
    await cache.run('a', 'c', {}, run);
    expect(calls).toBe(2);
    await cache.run('b', 'c', {}, run);
    await cache.run('c', 'c', {}, run);
    await cache.run('a', 'c', {}, run); // touch a: b is now the least recently used
    await cache.run('d', 'c', {}, run);
    expect(cache.size).toBe(3);
    const before = calls;
    await cache.run('a', 'c', {}, run);
    expect(calls).toBe(before);
    await cache.run('b', 'c', {}, run);
    expect(calls).toBe(before + 1);
  });

  it('does not keep a reply larger than the bound, so it is not held in memory', async () => {
    const cache = new ReplayCache();
    await cache.run('big', 'c', {}, () => ok('x'.repeat(REPLAY_MAX_REPLY_CHARS)));
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.size).toBe(0);
    await cache.run('small', 'c', {}, () => ok('x'));
    await new Promise((r) => setTimeout(r, 0));
    expect(cache.size).toBe(1);
  });
});
