import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { createHost, type Host } from '../../../src-main/host/host';
import { openStore } from '../../../src-main/store';
import { CHECKPOINTS_DIR, STORE_FILE } from '../../../src-main/host/paths';
import { fakeLauncher, until, type FakeEngine } from './fake-engine';

const config = RunConfig.parse({ algorithm: 'train', steps: 100 });
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Resume and checkpoints through the host, with a fake engine speaking the protocol and a real SQLite file. */
describe('checkpoints and resume in the host', () => {
  let dir: string;
  let host: Host;
  let engines: FakeEngine[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-resume-'));
    const fake = fakeLauncher();
    engines = fake.engines;
    host = createHost({ dataDir: dir, mode: 'cli', launcher: fake.launcher, resourcesDir: dir, watch: false });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a checkpoint file as the engine would and reports it. */
  function checkpoint(engine: FakeEngine, runId: number, step: number): string {
    const runDir = join(dir, CHECKPOINTS_DIR, `run-${runId}`);
    mkdirSync(runDir, { recursive: true });
    const file = join(runDir, `step-${step}.ckpt`);
    writeFileSync(file, `weights at ${step}`);
    engine.say({ type: 'checkpoint', step, epoch: step / 10, file, bytes: `weights at ${step}`.length, sha256: sha(`weights at ${step}`) });
    return file;
  }

  async function startedRun(): Promise<{ id: number; engine: FakeEngine }> {
    const run = host.runs.start({ config });
    await until(() => engines.length === 1 && engines[0].start !== undefined, 2000, 'the start message');
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    return { id: run.id, engine: engines[0] };
  }

  it('records checkpoints, keeps the newest three and deletes the older files', async () => {
    const { id, engine } = await startedRun();
    expect(engine.start?.checkpointDir).toBe(join(dir, CHECKPOINTS_DIR, `run-${id}`));
    expect(engine.start?.resumeFrom).toBeUndefined();
    const files = [10, 20, 30, 40, 50].map((step) => checkpoint(engine, id, step));
    expect(host.store.checkpoints.list(id).map((c) => c.step)).toEqual([50, 40, 30]);
    expect(files.map(existsSync)).toEqual([false, false, true, true, true]);
    expect(host.store.runs.get(id)).toMatchObject({ status: 'running', checkpointStep: 50, resumable: false });
    // A checkpoint that cannot be recorded (bad hash) costs a resume point, not the run.
    engine.say({ type: 'checkpoint', step: 60, epoch: 6, file: join(dir, 'x'), bytes: 1, sha256: 'bad' });
    expect(host.store.runs.get(id)?.status).toBe('running');
    expect(host.store.logs.list(id).some((l) => l.level === 'warn' && /checkpoint at step 60 was not recorded/.test(l.message))).toBe(true);
    // A pruned path outside the run's folder is never deleted.
    const outside = join(dir, 'precious.txt');
    writeFileSync(outside, 'keep me');
    for (const step of [61, 62, 63]) {
      engine.say({ type: 'checkpoint', step, epoch: 6, file: step === 61 ? outside : join(dir, CHECKPOINTS_DIR, `run-${id}`, `s${step}`), bytes: 1, sha256: sha('x') });
    }
    checkpoint(engine, id, 70);
    expect(existsSync(outside)).toBe(true);
    engine.say({ type: 'finished', status: 'completed' });
    expect((await host.runs.waitFor(id)).status).toBe('completed');
  });

  it('resumes an interrupted run from its checkpoints, dropping what the dead process wrote after the step', async () => {
    // A run another process (pid 2^22 + 1 on no host: judged by its lease) left with an expired lease.
    const store = host.store;
    const e = store.experiments.getOrCreateDefault();
    const run = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 0 }, { owner: 'elsewhere:4194305:ab', ttlMs: -1 });
    const firstStart = store.runs.markStarted(run.id, 'cpu').startedAt;
    store.metrics.append(run.id, [10, 20, 30, 40].map((step) => ({ key: 'train.loss', step, epoch: 0, value: step })));
    store.genotypes.add(run.id, { step: 35, epoch: 3, final: false, genotype: { space: 'nb201', arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' } });
    store.artifacts.add(run.id, 'alphas', 20, [1]);
    store.artifacts.add(run.id, 'alphas', 40, [2]);
    for (const step of [20, 30]) store.checkpoints.add(run.id, { step, epoch: 1, file: join(dir, CHECKPOINTS_DIR, `run-${run.id}`, `s${step}`), bytes: 1, sha256: sha(`${step}`) });
    expect(store.runs.get(run.id)).toMatchObject({ status: 'interrupted', resumable: true, checkpointStep: 30 });

    const reply = await host.dispatch('runs.resume', { id: run.id });
    expect(reply.ok).toBe(true);
    expect(reply.ok && reply.data).toMatchObject({ id: run.id, status: 'queued', owner: host.runs.owner });
    await until(() => engines[0]?.start !== undefined, 2000, 'the start message');
    const start = engines[0].start!;
    expect(start.resumeFrom).toEqual([
      { file: join(dir, CHECKPOINTS_DIR, `run-${run.id}`, 's30'), step: 30, sha256: sha('30') },
      { file: join(dir, CHECKPOINTS_DIR, `run-${run.id}`, 's20'), step: 20, sha256: sha('20') },
    ]);
    // The newest did not read back: the engine resumed from step 20.
    engines[0].say({ type: 'started', backend: 'cpu', backendDetail: 'fake' });
    engines[0].say({ type: 'resumed', step: 20, file: start.resumeFrom![1].file });
    expect(store.metrics.query({ runId: run.id })[0].steps).toEqual([10, 20]);
    expect(store.genotypes.list(run.id)).toEqual([]);
    expect(store.artifacts.list(run.id).map((a) => a.step)).toEqual([20]);
    expect(store.checkpoints.list(run.id).map((c) => c.step)).toEqual([20]);
    // Re-reported points are taken (a point at a step the run has is replaced).
    engines[0].say({ type: 'metrics', points: [20, 30].map((step) => ({ key: 'train.loss', step, epoch: 0, value: -step })) });
    expect(store.metrics.query({ runId: run.id })[0].values).toEqual([10, -20, -30]);
    engines[0].say({ type: 'finished', status: 'completed' });
    const final = await host.runs.waitFor(run.id);
    expect(final).toMatchObject({ status: 'completed', owner: null, error: null });
    // Started again after the resume, it keeps the time it first started.
    expect(firstStart).not.toBeNull();
    expect(final.startedAt).toBe(firstStart);
  });

  it('refuses to resume a run without a checkpoint, a completed one, and one another live process holds', async () => {
    const store = host.store;
    const e = store.experiments.getOrCreateDefault();
    const make = (owner: string, ttlMs: number) =>
      store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 0 }, { owner, ttlMs });
    const bare = make('elsewhere:4194305:ab', -1);
    const a = await host.dispatch('runs.resume', { id: bare.id });
    expect(!a.ok && a.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/has no checkpoint to resume from/) });
    expect(store.runs.get(bare.id)?.status).toBe('interrupted');

    // Held alive by another process (our own pid: alive, a different nonce), with a checkpoint.
    const live = make(`${host.runs.owner.split(':')[0]}:${process.pid}:other`, 60_000);
    store.checkpoints.add(live.id, { step: 1, epoch: 0, file: join(dir, 'c'), bytes: 1, sha256: sha('c') });
    const b = await host.dispatch('runs.resume', { id: live.id });
    expect(!b.ok && b.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/queued in another process/) });
    expect(store.runs.get(live.id)?.owner).toMatch(/:other$/);

    const done = make(host.runs.owner, 60_000);
    store.runs.markFinished(done.id, 'completed');
    const c = await host.dispatch('runs.resume', { id: done.id });
    expect(!c.ok && c.error.message).toMatch(/is completed: only an interrupted run/);
    const d = await host.dispatch('runs.resume', { id: 999 });
    expect(!d.ok && d.error.code).toBe('not_found');
    expect(engines).toHaveLength(0);
  });

  it('lets two stores on one file never both take over the same run', () => {
    const other = openStore(join(dir, STORE_FILE));
    try {
      const e = host.store.experiments.getOrCreateDefault();
      const run = host.store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 0 }, { owner: 'gone:4194305:x', ttlMs: -1 });
      host.store.runs.markStarted(run.id, 'cpu');
      expect(other.leases.takeOver(run.id, 'B:1:b', 60_000)).toBe(true);
      expect(host.store.leases.takeOver(run.id, 'A:1:a', 60_000)).toBe(false);
      expect(host.store.runs.get(run.id)).toMatchObject({ status: 'queued', owner: 'B:1:b' });
      // B renews; A, not the owner, renews nothing.
      expect(other.leases.renew([run.id], 'B:1:b', 60_000)).toEqual([run.id]);
      expect(host.store.leases.renew([run.id], 'A:1:a', 60_000)).toEqual([]);
    } finally {
      other.close();
    }
  });
});
