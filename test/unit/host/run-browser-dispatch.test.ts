import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../src-main/host/host';
import type { Channel, RequestOf, ResponseOf } from '../../../src-shared/contract';
import { RunConfig } from '../../../src-shared/model/run-config';
import { fakeLauncher } from './fake-engine';

/** The browser's channels at the request boundary: bad input answers a clear, typed error and writes nothing. */
describe('the run browser channels', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-browser-'));
    host = createHost({ dataDir: dir, mode: 'cli', launcher: fakeLauncher().launcher, resourcesDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const answered = async <C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
    const reply = await host.dispatch(channel, request);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.message}`);
    return reply.data as ResponseOf<C>;
  };
  const refused = async (channel: string, request: unknown) => {
    const reply = await host.dispatch(channel, request);
    if (reply.ok) throw new Error(`${channel} accepted ${JSON.stringify(request)}`);
    return reply.error;
  };

  it('refuses a bad query naming the field', async () => {
    expect(await refused('runs.query', { sort: 'accuracy' })).toMatchObject({ code: 'invalid_request', field: 'sort' });
    expect((await refused('runs.query', { sort: 'accuracy' })).message).toMatch(/bestValAcc/); // lists the valid keys
    expect(await refused('runs.query', { limit: 0 })).toMatchObject({ field: 'limit' });
    expect(await refused('runs.query', { limit: 10_000 })).toMatchObject({ field: 'limit' });
    expect(await refused('runs.query', { offset: -1 })).toMatchObject({ field: 'offset' });
    expect(await refused('runs.query', { status: 'done' })).toMatchObject({ field: 'status' });
    expect(await refused('runs.query', { search: 'x'.repeat(201) })).toMatchObject({ field: 'search' });
    expect(await refused('runs.query', { direction: 'up' })).toMatchObject({ field: 'direction' });
    expect(await refused('runs.query', { colour: 'red' })).toMatchObject({ code: 'invalid_request' });
    expect(await refused('runs.groups', { sort: 'id' })).toMatchObject({ code: 'invalid_request' });
  });

  it('answers an empty store with no rows and a zero total', async () => {
    expect(await answered('runs.query', {})).toMatchObject({ rows: [], total: 0, offset: 0, limit: 50, facets: null });
  });

  it('refuses bad annotations and leaves the run as it was', async () => {
    const run = host.runs.start({ config: RunConfig.parse({ algorithm: 'train' }) });
    expect((await refused('runs.annotate', { id: run.id })).message).toMatch(/at least one of name, notes, tags/);
    expect(await refused('runs.annotate', { id: run.id, name: '   ' })).toMatchObject({ field: 'name' });
    expect(await refused('runs.annotate', { id: run.id, tags: ['a,b'] })).toMatchObject({ field: 'tags.0' });
    expect((await refused('runs.annotate', { id: run.id, tags: ['a,b'] })).message).toMatch(/comma/);
    expect(await refused('runs.annotate', { id: 999, notes: 'x' })).toMatchObject({ code: 'not_found', message: 'run 999 does not exist' });
    const ok = await host.dispatch('runs.annotate', { id: run.id, name: 'Mine', tags: ['b', 'a'], notes: 'why' });
    expect(ok).toEqual({ ok: true, data: { id: run.id, name: 'Mine', notes: 'why', tags: ['a', 'b'] } });
  });

  it('repeats a run with the next seeds or chosen ones, copying the config apart from the seed', async () => {
    const config = RunConfig.parse({ algorithm: 'train', seed: 4, steps: 7 });
    const run = host.runs.start({ name: 'train (seed 4)', config });
    const next = await answered('runs.repeat', { id: run.id, count: 2 });
    expect(next.map((r) => [r.seed, r.name])).toEqual([[5, 'train (seed 5)'], [6, 'train (seed 6)']]);
    for (const r of next) expect(r.config).toEqual({ ...config, seed: r.seed });
    const chosen = await answered('runs.repeat', { id: run.id, seeds: [42] });
    expect(chosen.map((r) => r.seed)).toEqual([42]);
    // The four runs share one config group.
    const groups = await answered('runs.groups', {});
    expect(groups.groups.map((g) => g.seeds)).toEqual([[4, 5, 6, 42]]);
  });

  it('refuses a bad repeat and starts nothing', async () => {
    const run = host.runs.start({ config: RunConfig.parse({ algorithm: 'train' }) });
    expect((await refused('runs.repeat', { id: run.id, count: 2, seeds: [1] })).message).toMatch(/either count or seeds/);
    expect((await refused('runs.repeat', { id: run.id })).message).toMatch(/either count or seeds/);
    expect((await refused('runs.repeat', { id: run.id, seeds: [3, 3] })).message).toMatch(/distinct/);
    expect(await refused('runs.repeat', { id: run.id, count: 21 })).toMatchObject({ field: 'count' });
    expect(await refused('runs.repeat', { id: 999, count: 1 })).toMatchObject({ code: 'not_found' });
    expect(host.store.runs.list()).toHaveLength(1);
  });
});
