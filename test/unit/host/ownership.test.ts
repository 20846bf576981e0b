import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { createHost, type Host } from '../../../src-main/host/host';
import { STORE_FILE } from '../../../src-main/host/paths';
import { openStore } from '../../../src-main/store';
import { fakeLauncher, until, type FakeEngine } from './fake-engine';

const config = RunConfig.parse({ algorithm: 'train', steps: 100 });

/** Who holds a run: the heartbeat, a lease another process took over, cancelling an interrupted run, a read-only host. */
describe('run ownership in the host', () => {
  let dir: string;
  const hosts: Host[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-own-'));
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  function host(options: Partial<Parameters<typeof createHost>[0]> = {}): { host: Host; engines: FakeEngine[] } {
    const fake = fakeLauncher();
    const h = createHost({ dataDir: dir, mode: 'cli', launcher: fake.launcher, resourcesDir: dir, watch: false, ...options });
    hosts.push(h);
    return { host: h, engines: fake.engines };
  }

  it('renews the lease of a held run, so it stays running past the lease time', async () => {
    const { host: a, engines } = host({ leaseTtlMs: 200, leaseRenewMs: 40 });
    const run = a.runs.start({ config });
    await until(() => engines[0]?.start !== undefined, 2000, 'the start message');
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    const first = a.store.runs.get(run.id)!.lastSeenAt!;
    await new Promise((r) => setTimeout(r, 500));
    const now = a.store.runs.get(run.id)!;
    expect(now.status).toBe('running');
    expect(Date.parse(now.lastSeenAt!)).toBeGreaterThan(Date.parse(first));
  });

  it('lets a run go, stopping its engine without writing, when another process took its expired lease', async () => {
    // Renewals far apart: the 100 ms lease lapses in between, as in a process frozen for a while.
    const { host: a, engines } = host({ leaseTtlMs: 100, leaseRenewMs: 400 });
    const run = a.runs.start({ config });
    await until(() => engines[0]?.start !== undefined, 2000, 'the start message');
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    const ended = a.runs.waitFor(run.id);
    await new Promise((r) => setTimeout(r, 150));
    const b = openStore(join(dir, STORE_FILE));
    try {
      expect(b.runs.get(run.id)?.status).toBe('interrupted');
      expect(b.leases.takeOver(run.id, 'b-host:1:b', 60_000)).toBe(true);
      const final = await ended;
      expect(engines[0].killed).toBe(true);
      expect(a.runs.holds(run.id)).toBe(false);
      expect(final).toMatchObject({ status: 'queued', owner: 'b-host:1:b' });
      // The old owner's late messages change nothing.
      engines[0].say({ type: 'finished', status: 'completed' });
      expect(b.runs.get(run.id)).toMatchObject({ status: 'queued', owner: 'b-host:1:b' });
    } finally {
      b.close();
    }
  });

  it('cancels an interrupted run on stop, taking its lease first', async () => {
    const { host: a } = host();
    const e = a.store.experiments.getOrCreateDefault();
    const run = a.store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 0 }, { owner: 'gone:4194305:x', ttlMs: -1 });
    expect(a.store.runs.get(run.id)?.status).toBe('interrupted');
    const reply = await a.dispatch('runs.stop', { id: run.id });
    expect(reply.ok && reply.data).toMatchObject({ status: 'cancelled', owner: null });
  });

  it('browses a read-only store and refuses to start a run there, saying why', async () => {
    const w = openStore(join(dir, STORE_FILE));
    w.experiments.create({ name: 'kept' });
    w.close();
    const { host: ro, engines } = host({ readonly: true, watch: true });
    const list = await ro.dispatch('experiments.list', {});
    expect(list.ok && (list.data as Array<{ name: string }>).map((x) => x.name)).toEqual(['kept']);
    const start = await ro.dispatch('runs.start', { config: { algorithm: 'train' } });
    expect(!start.ok && start.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/is open read-only here: runs cannot be started/) });
    const create = await ro.dispatch('experiments.create', { name: 'x' });
    expect(!create.ok && create.error.message).toMatch(/is open read-only .*nothing was saved/);
    expect(engines).toHaveLength(0);
  });

  it('records interrupted for a dead run another process left, from a writing host that watches', async () => {
    const b = openStore(join(dir, STORE_FILE));
    const e = b.experiments.getOrCreateDefault();
    const run = b.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 0 }, { owner: 'far:7:x', ttlMs: 150 });
    b.close();
    const { host: a } = host({ watch: true, watchIntervalMs: 30 });
    const statuses: string[] = [];
    a.bus.subscribe((event, payload) => {
      if (event === 'run.status') statuses.push((payload as { status: string }).status);
    });
    await until(() => statuses.includes('interrupted'), 3000, 'the interrupted event');
    const raw = new Database(join(dir, STORE_FILE), { readonly: true });
    expect(raw.prepare('SELECT status, lease_owner FROM runs WHERE id = ?').get(run.id)).toEqual({ status: 'interrupted', lease_owner: null });
    raw.close();
  });
});
