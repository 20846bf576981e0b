import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src-main/store';
import type { Genotype } from '../../../src-shared/model/genotype';
import { LOCATIONS, tempDir } from './helpers';

const NB201: Genotype = {
  space: 'nb201',
  arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
};
const DARTS: Genotype = {
  space: 'darts',
  normal: [['sep_conv_3x3', 0], ['skip_connect', 1]],
  normal_concat: [2],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1]],
  reduce_concat: [2],
};

describe.each(LOCATIONS)('store repositories (%s)', (where) => {
  let store: Store;
  let temp: ReturnType<typeof tempDir> | undefined;

  beforeEach(() => {
    temp = where === 'file' ? tempDir() : undefined;
    store = openStore(temp ? join(temp.dir, 'nested', 'workbench.sqlite') : ':memory:');
  });
  afterEach(() => {
    store.close();
    temp?.remove();
  });

  // Held by a live lease, as the run manager creates them; `held: false` as a build before leases left them.
  const newRun = (experimentId: number, name = 'r', held = true) =>
    store.runs.create(
      { experimentId, name, algorithm: 'train', config: { algorithm: 'train', steps: 10 }, seed: 7 },
      held ? { owner: 'this-test:1:0', ttlMs: 60_000 } : undefined,
    );

  it('creates, renames, lists and deletes experiments with their run counts', () => {
    const a = store.experiments.create({ name: 'A', description: 'first' });
    const b = store.experiments.create({ name: 'B' });
    expect(a).toMatchObject({ name: 'A', description: 'first', runCount: 0 });
    expect(b.description).toBe('');
    expect(new Date(a.createdAt).toISOString()).toBe(a.createdAt);
    newRun(a.id);
    newRun(a.id);
    expect(store.experiments.get(a.id)?.runCount).toBe(2);
    expect(store.experiments.rename(b.id, '  Bee ').name).toBe('Bee');
    expect(store.experiments.list().map((e) => e.name)).toEqual(['Bee', 'A']);
    expect(() => store.experiments.rename(b.id, ' ')).toThrow(/non-empty name/);
    expect(() => store.experiments.rename(999, 'x')).toThrow(/experiment 999 does not exist/);
    store.experiments.delete(b.id);
    expect(store.experiments.get(b.id)).toBeNull();
    expect(() => store.experiments.delete(b.id)).toThrow(/does not exist/);
  });

  it('keeps one default experiment, found again after a rename', () => {
    const d = store.experiments.getOrCreateDefault();
    expect(d.name).toBe('Default');
    store.experiments.rename(d.id, 'My default');
    expect(store.experiments.getOrCreateDefault().id).toBe(d.id);
    store.experiments.create({ name: 'Default' });
    expect(store.experiments.getOrCreateDefault().id).toBe(d.id);
  });

  it('walks a run through its statuses and refuses wrong transitions', () => {
    const e = store.experiments.create({ name: 'E' });
    const run = newRun(e.id, 'first');
    expect(run).toMatchObject({ status: 'queued', seed: 7, backend: null, startedAt: null, progressDone: 0, progressTotal: 0 });
    expect(run.config).toEqual({ algorithm: 'train', steps: 10 });
    const started = store.runs.markStarted(run.id, 'wasm');
    expect(started).toMatchObject({ status: 'running', backend: 'wasm' });
    expect(started.startedAt).not.toBeNull();
    expect(() => store.runs.markStarted(run.id, 'wasm')).toThrow(/run \d+ cannot be started: it is running/);
    store.runs.setProgress(run.id, 3, 10);
    const done = store.runs.markFinished(run.id, 'completed');
    expect(done).toMatchObject({ status: 'completed', progressDone: 3, progressTotal: 10, error: null });
    expect(done.endedAt).not.toBeNull();
    expect(() => store.runs.markFinished(run.id, 'failed', 'x')).toThrow(/it is completed/);
    const cancelled = store.runs.markFinished(newRun(e.id).id, 'cancelled', 'user stopped it');
    expect(cancelled).toMatchObject({ status: 'cancelled', error: 'user stopped it' });
    expect(() => store.runs.markStarted(12345, 'cpu')).toThrow(/run 12345 does not exist/);
    expect(() => newRun(999)).toThrow(/experiment 999 does not exist/);
  });

  it('lists runs newest first, filtered by experiment', () => {
    const a = store.experiments.create({ name: 'A' });
    const b = store.experiments.create({ name: 'B' });
    const r1 = newRun(a.id, 'one');
    const r2 = newRun(b.id, 'two');
    const r3 = newRun(a.id, 'three');
    expect(store.runs.list().map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
    expect(store.runs.list({ experimentId: a.id }).map((r) => r.name)).toEqual(['three', 'one']);
  });

  it('reads a queued or running run without a live lease as interrupted, writing nothing', () => {
    const e = store.experiments.create({ name: 'E' });
    const queued = newRun(e.id, 'q', false);
    const running = newRun(e.id, 'r', false);
    store.runs.markStarted(running.id, 'wasm');
    const completed = newRun(e.id, 'c', false);
    store.runs.markFinished(completed.id, 'completed');
    // Created without a lease (as by a build before leases): nobody keeps them alive.
    for (const id of [queued.id, running.id]) {
      expect(store.runs.get(id)).toMatchObject({ status: 'interrupted', owner: null, lastSeenAt: null, resumable: false });
    }
    expect(store.runs.get(completed.id)).toMatchObject({ status: 'completed', error: null });
  });

  it('deletes an experiment with its runs and every row under them', () => {
    const keep = store.experiments.create({ name: 'keep' });
    const gone = store.experiments.create({ name: 'gone' });
    const kept = newRun(keep.id);
    const runs = [newRun(gone.id), newRun(gone.id)];
    for (const r of [kept, ...runs]) {
      store.metrics.append(r.id, [{ key: 'train.loss', step: 0, epoch: 0, value: 1 }]);
      store.genotypes.add(r.id, { step: 0, epoch: 0, final: true, genotype: NB201 });
      store.artifacts.add(r.id, 'alphas', 0, { a: [1, 2] });
      store.logs.add(r.id, 'info', 'hello');
      store.checkpoints.add(r.id, { step: 0, epoch: 0, file: `/c/${r.id}`, bytes: 3, sha256: 'a'.repeat(64) });
    }
    store.experiments.delete(gone.id);
    for (const r of runs) {
      expect(store.runs.get(r.id)).toBeNull();
      expect(store.metrics.keys(r.id)).toEqual([]);
      expect(store.genotypes.list(r.id)).toEqual([]);
      expect(store.artifacts.list(r.id)).toEqual([]);
      expect(store.logs.list(r.id)).toEqual([]);
      expect(store.checkpoints.list(r.id)).toEqual([]);
    }
    expect(store.metrics.keys(kept.id)).toEqual(['train.loss']);
    expect(store.genotypes.list(kept.id)).toHaveLength(1);
    expect(store.checkpoints.list(kept.id).map((c) => c.step)).toEqual([0]);
    store.runs.delete(kept.id);
    expect(store.logs.list(kept.id)).toEqual([]);
    expect(store.experiments.get(keep.id)?.runCount).toBe(0);
  });

  it('stores genotypes, answers the final one (else the latest) and validates them', () => {
    const run = newRun(store.experiments.create({ name: 'E' }).id);
    expect(store.genotypes.final(run.id)).toBeNull();
    store.genotypes.add(run.id, { step: 10, epoch: 1, final: false, genotype: DARTS });
    expect(store.genotypes.final(run.id)?.step).toBe(10);
    store.genotypes.add(run.id, { step: 20, epoch: 2, final: true, genotype: NB201 });
    store.genotypes.add(run.id, { step: 30, epoch: 3, final: false, genotype: DARTS });
    expect(store.genotypes.final(run.id)).toMatchObject({ step: 20, final: true, genotype: NB201 });
    expect(store.genotypes.list(run.id).map((g) => [g.step, g.final, g.genotype.space])).toEqual([
      [10, false, 'darts'],
      [20, true, 'nb201'],
      [30, false, 'darts'],
    ]);
    const bad = { space: 'nb201', arch: 'not an arch' } as unknown as Genotype;
    expect(() => store.genotypes.add(run.id, { step: 1, epoch: 0, final: false, genotype: bad })).toThrow(/invalid genotype/);
    expect(() => store.genotypes.add(4242, { step: 1, epoch: 0, final: false, genotype: NB201 })).toThrow(/run 4242 does not exist/);
  });

  it('stores artifacts, logs and checkpoint records, pruning all but the newest three', () => {
    const run = newRun(store.experiments.create({ name: 'E' }).id);
    store.artifacts.add(run.id, 'alphas', 5, { normal: [[0.1, 0.9]] });
    store.artifacts.add(run.id, 'eval', 1, { acc: 0.5 });
    store.artifacts.add(run.id, 'alphas', 2, [1, 2]);
    expect(store.artifacts.list(run.id).map((a) => [a.kind, a.step])).toEqual([['eval', 1], ['alphas', 2], ['alphas', 5]]);
    expect(store.artifacts.list(run.id, 'alphas').map((a) => a.data)).toEqual([[1, 2], { normal: [[0.1, 0.9]] }]);
    expect(() => store.artifacts.add(run.id, 'x', 0, undefined)).toThrow(/not a JSON value/);

    for (let i = 0; i < 5; i++) store.logs.add(run.id, i === 4 ? 'error' : 'info', `line ${i}`);
    expect(store.logs.list(run.id).map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(store.logs.list(run.id, 2).map((l) => [l.level, l.message])).toEqual([['info', 'line 3'], ['error', 'line 4']]);
    expect(() => store.logs.add(run.id, 'debug' as 'info', 'x')).toThrow(/log level must be one of/);

    expect(store.checkpoints.list(run.id)).toEqual([]);
    const sha = (n: number) => n.toString(16).padStart(64, '0');
    for (const step of [10, 20, 30, 40, 50]) store.checkpoints.add(run.id, { step, epoch: step / 10, file: `/ck/${step}.ckpt`, bytes: step, sha256: sha(step) });
    expect(store.checkpoints.list(run.id).map((c) => c.step)).toEqual([50, 40, 30, 20, 10]);
    expect(store.runs.get(run.id)?.checkpointStep).toBe(50);
    // Keep the newest three: the two oldest files come back for deletion.
    expect(store.checkpoints.prune(run.id, 3).sort()).toEqual(['/ck/10.ckpt', '/ck/20.ckpt']);
    expect(store.checkpoints.list(run.id).map((c) => [c.step, c.file, c.bytes, c.sha256])).toEqual([
      [50, '/ck/50.ckpt', 50, sha(50)],
      [40, '/ck/40.ckpt', 40, sha(40)],
      [30, '/ck/30.ckpt', 30, sha(30)],
    ]);
    expect(store.checkpoints.prune(run.id, 3)).toEqual([]);
    expect(() => store.checkpoints.add(run.id, { step: 1, epoch: 0, file: '/x', bytes: 1, sha256: 'nothex' })).toThrow(/64 hex digits/);
    expect(() => store.checkpoints.add(999, { step: 1, epoch: 0, file: '/x', bytes: 1, sha256: sha(1) })).toThrow(/run 999 does not exist/);
  });
});
