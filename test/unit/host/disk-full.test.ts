import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { createHost, type Host } from '../../../src-main/host/host';
import { STORE_FILE } from '../../../src-main/host/paths';
import { openStore, type Store } from '../../../src-main/store';
import { fakeLauncher, until, type FakeEngine } from './fake-engine';

const config = RunConfig.parse({ algorithm: 'train', steps: 100 });

/** A full disk mid-run: the run stops as 'failed: disk full' with its data kept, and the host lives on. */
describe('a full disk during a run', () => {
  let dir: string;
  let host: Host | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-full-'));
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function hostOn(store: Store, leaseTtlMs?: number): { host: Host; engines: FakeEngine[] } {
    const fake = fakeLauncher();
    host = createHost({ dataDir: dir, mode: 'cli', launcher: fake.launcher, resourcesDir: dir, watch: false, store, leaseTtlMs, leaseRenewMs: 20 });
    return { host, engines: fake.engines };
  }

  it('fails the run with "disk full" when SQLite answers SQLITE_FULL, keeping what was written', async () => {
    const file = join(dir, STORE_FILE);
    openStore(file).close();
    const pages = new Database(file).pragma('page_count', { simple: true }) as number;
    // Room for the run row and a few batches, then SQLite refuses to grow the file: a real SQLITE_FULL.
    const { host, engines } = hostOn(openStore(file, { maxPageCount: pages + 40 }));
    const run = host.runs.start({ config });
    await until(() => engines[0]?.start !== undefined, 2000, 'the start message');
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    let step = 0;
    while (!engines[0].killed && step < 100_000) {
      engines[0].say({ type: 'metrics', points: Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, step, epoch: 0, value: step + i / 1000 })) });
      step++;
    }
    expect(engines[0].killed).toBe(true);
    const final = await host.runs.waitFor(run.id);
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/^disk full: could not record the engine's metrics: disk full: the workbench database .* cannot grow/);
    // Every batch before the failing one is there, whole (one transaction per batch).
    const series = host.store.metrics.query({ runId: run.id, keys: ['k0', 'k199'] });
    expect(series[0].steps).toEqual(Array.from({ length: step - 1 }, (_, i) => i));
    expect(series[1].steps).toHaveLength(step - 1);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('stays alive when even the failed status cannot be written; the run then reads as interrupted', async () => {
    const real = openStore(':memory:');
    const full = (): never => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    // Injected: metrics, the final status and the lease renewal all fail as on a full disk.
    const store: Store = {
      ...real,
      metrics: { ...real.metrics, append: full },
      runs: { ...real.runs, markFinished: full },
      leases: { ...real.leases, renew: full },
    };
    const { host, engines } = hostOn(store, 300);
    const run = host.runs.start({ config });
    await until(() => engines[0]?.start !== undefined, 2000, 'the start message');
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    engines[0].say({ type: 'metrics', points: [{ key: 'train.loss', step: 1, epoch: 0, value: 1 }] });
    expect(engines[0].killed).toBe(true);
    const final = await host.runs.waitFor(run.id);
    expect(final.status).toBe('running');
    expect(host.runs.holds(run.id)).toBe(false);
    // Nobody renews its lease any more: within the TTL it reads as interrupted, resumable if it had checkpoints.
    await until(() => real.runs.get(run.id)?.status === 'interrupted', 3000, 'the lease to expire');
    expect(real.runs.get(run.id)?.lastSeenAt).not.toBeNull();
    // The engine's further messages after the failure are ignored, not thrown.
    engines[0].say({ type: 'finished', status: 'completed' });
  });
});
