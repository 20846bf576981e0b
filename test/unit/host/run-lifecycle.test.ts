import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { Run } from '../../../src-shared/model/records';
import { createHost, type Host } from '../../../src-main/host/host';
import { forkLauncher, type EngineProcess } from '../../../src-main/host/engine-launcher';
import { resourcesDir } from '../../../src-main/host/paths';

/**
 * The whole path with real parts: a real engine process (child_process.fork of the engine entry),
 * real training on the embedded Fashion-MNIST sample, a real SQLite file.
 */
describe('run lifecycle through a real engine process', () => {
  let dir: string;
  let host: Host;
  let processes: EngineProcess[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-lifecycle-'));
    processes = [];
    const fork = forkLauncher();
    host = createHost({
      dataDir: dir,
      mode: 'cli',
      resourcesDir: resourcesDir(),
      launcher: () => {
        const p = fork();
        processes.push(p);
        return p;
      },
    });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function untilStatus(id: number, wanted: Run['status'], minMetrics = 0): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const run = host.store.runs.get(id)!;
        if (run.status === wanted && host.store.metrics.keys(id).length >= minMetrics) {
          resolve();
          return true;
        }
        return false;
      };
      if (check()) return;
      const off = host.bus.subscribe(() => {
        if (check()) off();
      });
    });
  }

  it('trains to completion, recording backend, metrics and logs', async () => {
    const config = RunConfig.parse({ algorithm: 'train', steps: 60, batchSize: 32, evalEvery: 30, dataset: { testLimit: 300 } });
    const run = host.runs.start({ config });
    expect(run.status).toBe('queued');
    const final = await host.runs.waitFor(run.id);
    expect(final.error).toBeNull();
    expect(final.status).toBe('completed');
    expect(final.backend).toMatch(/^(wasm|cpu|tensorflow)/);
    expect(final.startedAt).not.toBeNull();
    expect(final.progressDone).toBe(60);
    const [loss] = host.store.metrics.query({ runId: run.id, keys: ['train.loss'] });
    expect(loss.values.length).toBe(60);
    expect(loss.values.every(Number.isFinite)).toBe(true);
    const [testAcc] = host.store.metrics.query({ runId: run.id, keys: ['test.acc'] });
    expect(testAcc.steps).toEqual([30, 60]);
    // Ten classes: chance is 0.1 (±0.02 on 300 images); 60 steps of SGD reach about 0.4 here.
    expect(testAcc.values[1]).toBeGreaterThan(0.3);
    expect(host.store.logs.list(run.id).some((l) => l.message.startsWith('backend: '))).toBe(true);
  });

  it('stops a running run within two seconds and marks it cancelled', async () => {
    const config = RunConfig.parse({ algorithm: 'train', steps: 100_000, batchSize: 16, evalEvery: 100_000 });
    const run = host.runs.start({ config });
    await untilStatus(run.id, 'running', 1);
    const t0 = Date.now();
    const final = await host.runs.stop(run.id);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(final.status).toBe('cancelled');
    expect(final.endedAt).not.toBeNull();
  });

  it('marks a run failed with the reason when its engine process dies', async () => {
    const config = RunConfig.parse({ algorithm: 'train', steps: 100_000, batchSize: 16, evalEvery: 100_000 });
    const run = host.runs.start({ config });
    await untilStatus(run.id, 'running', 1);
    processes[0].kill();
    const final = await host.runs.waitFor(run.id);
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/engine process ended unexpectedly \(killed by SIGKILL/);
  });

  it('fails a run whose dataset folder lacks the files, saying which', async () => {
    const config = RunConfig.parse({ algorithm: 'train', dataset: { name: 'mnist', dir: join(dir, 'nothing-here') } });
    const final = await host.runs.waitFor(host.runs.start({ config }).id);
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/train-images-idx3-ubyte/);
  });

  it('queues a second run until the first has ended', async () => {
    const quick = RunConfig.parse({ algorithm: 'train', steps: 4, batchSize: 8, evalEvery: 4, dataset: { testLimit: 50 } });
    const a = host.runs.start({ config: quick });
    const b = host.runs.start({ config: quick });
    expect(host.store.runs.get(b.id)!.status).toBe('queued');
    const [fa, fb] = await Promise.all([host.runs.waitFor(a.id), host.runs.waitFor(b.id)]);
    expect([fa.status, fb.status]).toEqual(['completed', 'completed']);
    expect(Date.parse(fb.startedAt!)).toBeGreaterThanOrEqual(Date.parse(fa.endedAt!));
  });
});
