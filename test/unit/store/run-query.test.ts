import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, openStore, type Store } from '../../../src-main/store';
import { migrate } from '../../../src-main/store/migrations';
import { RunsQuery, RunGroupsQuery, type RunsPage } from '../../../src-shared/model/run-browser';
import { tempDir } from './helpers';

const LIVE = { owner: 'this-test:1:0', ttlMs: 60_000 };

/** Configs as the app stores them (the facts the browser reads: space, dataset, searchRunId). */
const darts = (seed: number, epochs = 10) => ({ algorithm: 'darts', seed, epochs, space: { kind: 'darts' }, dataset: { name: 'fashion-mnist' } });
const gdasNb201 = (seed: number) => ({ algorithm: 'gdas', seed, epochs: 5, space: { kind: 'nb201' }, dataset: { name: 'embedded' } });
const tabular = (seed: number) => ({ algorithm: 'rea', seed, budget: 150, evaluator: { kind: 'nb201-tabular', dataset: 'cifar100' } });
const evaluation = (searchRunId: number) => ({
  algorithm: 'evaluation', seed: 0, preset: 'fmnist-quick', searchRunId, genotype: { space: 'darts', normal: [], normal_concat: [], reduce: [], reduce_concat: [] },
});

describe('the run browser query (a real SQLite file)', () => {
  let store: Store;
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  let exp: number;
  let other: number;

  beforeEach(() => {
    temp = tempDir();
    file = join(temp.dir, 'workbench.sqlite');
    store = openStore(file);
    exp = store.experiments.create({ name: 'Main' }).id;
    other = store.experiments.create({ name: 'Other' }).id;
  });
  afterEach(() => {
    store.close();
    temp.remove();
  });

  /** `held: false`: no lease, as a process that died before leases left it (reads as interrupted). */
  const create = (experimentId: number, name: string, config: { algorithm: string; seed: number }, held = true) =>
    store.runs.create({ experimentId, name, algorithm: config.algorithm, config, seed: config.seed }, held ? LIVE : undefined).id;
  const finish = (id: number) => {
    store.runs.markStarted(id, 'wasm');
    store.runs.markFinished(id, 'completed', undefined, LIVE.owner);
  };
  const valAcc = (id: number, values: number[]) =>
    store.metrics.append(id, values.map((value, i) => ({ key: 'valid.acc', step: (i + 1) * 10, epoch: i + 1, value })));
  const page = (q: Partial<RunsQuery> = {}): RunsPage => store.runQuery.page(RunsQuery.parse(q));
  const ids = (p: RunsPage) => p.rows.map((r) => r.id);

  it('keeps best validation accuracy as the max of the points (NaN skipped), through re-reports and a rewind', () => {
    const a = create(exp, 'a', darts(1));
    valAcc(a, [71.5, Number.NaN, 84.25, 80]);
    expect(page().rows[0].bestValAcc).toBe(84.25);
    // A resumed run re-reports step 30 lower: the maximum falls back to the next best point.
    store.metrics.append(a, [{ key: 'valid.acc', step: 30, epoch: 3, value: 60 }]);
    expect(page().rows[0].bestValAcc).toBe(80);
    // A rewind to step 20 drops steps 30 and 40.
    store.checkpoints.rewindTo(a, 20);
    expect(page().rows[0].bestValAcc).toBe(71.5);
    // A black-box search's incumbent counts too.
    const b = create(exp, 'b', tabular(1));
    store.metrics.append(b, [1, 2, 3].map((step) => ({ key: 'search.best_val', step, epoch: 0, value: 70 + step })));
    expect(page().rows.find((r) => r.id === b)?.bestValAcc).toBe(73);
  });

  it("gives a search its newest evaluation's test accuracy and parameters, an evaluation its own newest test.acc", () => {
    const search = create(exp, 'search', darts(1));
    const older = create(exp, 'eval old', evaluation(search));
    const newer = create(exp, 'eval new', evaluation(search));
    store.metrics.append(older, [{ key: 'test.acc', step: 5, epoch: 1, value: 88 }]);
    store.metrics.append(newer, [{ key: 'test.acc', step: 5, epoch: 1, value: 89 }, { key: 'test.acc', step: 10, epoch: 2, value: 91.5 }]);
    store.artifacts.add(newer, 'evaluation.network', 0, { preset: 'fmnist-quick', params: 123_456 });
    const rows = new Map(page().rows.map((r) => [r.id, r]));
    expect(rows.get(newer)).toMatchObject({ testAcc: 91.5, testRunId: null, params: 123_456, space: 'darts', dataset: 'fashion-mnist' });
    expect(rows.get(older)).toMatchObject({ testAcc: 88, params: null });
    expect(rows.get(search)).toMatchObject({ testAcc: 91.5, testRunId: newer, params: 123_456 });
  });

  it('sorts by any column with nulls last both ways, pages, and counts the total', () => {
    const made = [darts(3), darts(1), darts(2), gdasNb201(5)].map((c, i) => create(exp, `run ${i}`, c));
    valAcc(made[0], [80]);
    valAcc(made[1], [90]);
    valAcc(made[2], [85]); // made[3] has none
    expect(ids(page({ sort: 'bestValAcc', direction: 'desc' }))).toEqual([made[1], made[2], made[0], made[3]]);
    expect(ids(page({ sort: 'bestValAcc', direction: 'asc' }))).toEqual([made[0], made[2], made[1], made[3]]);
    expect(ids(page({ sort: 'seed', direction: 'asc' }))).toEqual([made[1], made[2], made[0], made[3]]);
    expect(ids(page({ sort: 'space', direction: 'asc' })).slice(-1)).toEqual([made[3]]);
    const second = page({ sort: 'bestValAcc', direction: 'desc', offset: 2, limit: 2 });
    expect(ids(second)).toEqual([made[0], made[3]]);
    expect(second.total).toBe(4);
    expect(page({ offset: 10 }).rows).toEqual([]);
  });

  it('filters by experiment, algorithm, space, dataset, tag and derived status, and offers the values present', () => {
    const a = create(exp, 'a', darts(1));
    const b = create(exp, 'b', gdasNb201(1));
    const c = create(exp, 'c', tabular(1));
    const d = create(other, 'd', darts(2));
    // A queued run with no lease (its process died before leases) reads as interrupted.
    const dead = create(exp, 'dead', darts(9), false);
    finish(a);
    store.runAnnotations.annotate(b, { tags: ['baseline', 'nb201'] });
    store.runAnnotations.annotate(c, { tags: ['baseline'] });
    expect(ids(page({ experimentId: exp }))).toEqual([dead, c, b, a]);
    expect(ids(page({ algorithm: 'darts' }))).toEqual([dead, d, a]);
    expect(ids(page({ space: 'nb201' }))).toEqual([c, b]);
    expect(ids(page({ dataset: 'cifar100' }))).toEqual([c]);
    expect(ids(page({ tag: 'baseline' }))).toEqual([c, b]);
    expect(ids(page({ status: 'completed' }))).toEqual([a]);
    expect(ids(page({ status: 'interrupted' }))).toEqual([dead]);
    expect(ids(page({ status: 'queued' }))).toEqual([d, c, b]);
    expect(ids(page({ experimentId: exp, algorithm: 'darts', status: 'completed' }))).toEqual([a]);
    expect(page({ experimentId: exp }).facets).toBeNull();
    expect(page({ experimentId: exp, facets: true }).facets).toEqual({
      algorithms: ['darts', 'gdas', 'rea'], spaces: ['darts', 'nb201'], datasets: ['cifar100', 'embedded', 'fashion-mnist'], tags: ['baseline', 'nb201'],
    });
    expect(page({ tag: 'nb201' }).rows[0].tags).toEqual(['baseline', 'nb201']);
  });

  it('searches names, notes, tags and config text case-insensitively, with % and _ meaning themselves', () => {
    const a = create(exp, 'Warm-up ablation', darts(1, 50));
    const b = create(exp, 'plain', darts(2));
    const c = create(exp, 'rate 50% cut', gdasNb201(3));
    store.runAnnotations.annotate(b, { notes: 'Collapsed to skip_connect at epoch 12' });
    store.runAnnotations.annotate(c, { tags: ['keeper'] });
    expect(ids(page({ search: 'warm-UP' }))).toEqual([a]);
    expect(ids(page({ search: 'skip_connect' }))).toEqual([b]);
    expect(ids(page({ search: 'KEEP' }))).toEqual([c]);
    expect(ids(page({ search: '"epochs":50' }))).toEqual([a]);
    expect(ids(page({ search: '50%' }))).toEqual([c]);
    expect(ids(page({ search: 'p_a' }))).toEqual([]); // "_" is not a wildcard
    expect(page({ search: 'nothing like this' }).total).toBe(0);
  });

  it('groups runs by config apart from seed, with mean and sample std of best val and test accuracy', () => {
    const seeds = [1, 2, 3].map((s) => create(exp, `darts (seed ${s})`, darts(s)));
    [90, 92, 97].forEach((v, i) => valAcc(seeds[i], [v - 5, v]));
    // Test accuracy from evaluations of two of the three seeds.
    const e1 = create(exp, 'e1', evaluation(seeds[0]));
    const e2 = create(exp, 'e2', evaluation(seeds[1]));
    store.metrics.append(e1, [{ key: 'test.acc', step: 1, epoch: 1, value: 93.5 }]);
    store.metrics.append(e2, [{ key: 'test.acc', step: 1, epoch: 1, value: 94.5 }]);
    const longer = create(exp, 'longer', darts(1, 20)); // another config: its own group
    valAcc(longer, [99]);

    const g = store.runQuery.groups(RunGroupsQuery.parse({ algorithm: 'darts' }));
    expect(g.total).toBe(2);
    expect(g.groups[0].runIds).toEqual([longer]);
    const three = g.groups[1];
    expect(three.seeds).toEqual([1, 2, 3]);
    expect(three.runIds).toEqual([...seeds].reverse());
    // By hand: mean 93; deviations −3, −1, 4; sum of squares 26; sample variance 13.
    expect(three.bestValAcc.n).toBe(3);
    expect(three.bestValAcc.mean).toBeCloseTo(93, 12);
    expect(three.bestValAcc.std).toBeCloseTo(Math.sqrt(13), 12);
    // Test: 93.5 and 94.5: mean 94, deviations ±0.5, variance 0.5 / 1.
    expect(three.testAcc).toMatchObject({ n: 2 });
    expect(three.testAcc.mean).toBeCloseTo(94, 12);
    expect(three.testAcc.std).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(g.groups[0].bestValAcc).toEqual({ n: 1, mean: 99, std: null });
  });

  it('shows the collapse warning epoch when a run recorded warning.collapse', () => {
    const a = create(exp, 'a', darts(1));
    const b = create(exp, 'b', darts(2));
    store.metrics.append(a, [{ key: 'warning.collapse', step: 120, epoch: 12, value: 12 }]);
    expect(ids(page({ sort: 'collapseEpoch' }))).toEqual([a, b]);
    expect(page().rows.find((r) => r.id === a)?.collapseEpoch).toBe(12);
    expect(page().rows.find((r) => r.id === b)?.collapseEpoch).toBeNull();
  });

  it('renames, notes and tags in one call; refuses an empty name or tag and a missing run, changing nothing', () => {
    const a = create(exp, 'a', darts(1));
    store.runAnnotations.annotate(a, { name: '  Renamed ', notes: 'n1', tags: ['x', ' y', 'x'] });
    expect(page().rows[0]).toMatchObject({ name: 'Renamed', notes: 'n1', tags: ['x', 'y'] });
    expect(() => store.runAnnotations.annotate(a, { name: '  ', notes: 'changed' })).toThrow(/non-empty name/);
    expect(() => store.runAnnotations.annotate(a, { tags: ['ok', ' '] })).toThrow(/tag cannot be empty/);
    expect(() => store.runAnnotations.annotate(999, { notes: 'x' })).toThrow(/run 999 does not exist/);
    expect(page().rows[0]).toMatchObject({ name: 'Renamed', notes: 'n1', tags: ['x', 'y'] });
    store.runs.delete(a);
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM run_tags').get()).toEqual({ n: 0 });
    expect(raw.prepare('SELECT count(*) AS n FROM run_summary').get()).toEqual({ n: 0 });
    raw.close();
  });

  it("the migration fills the summary of runs written before it from their configs and metrics", () => {
    store.close();
    const before = MIGRATIONS.findIndex((m) => m.name.startsWith('run browser'));
    const oldFile = join(temp.dir, 'old.sqlite');
    // The schema as it was, written with SQL: the current repositories need the new tables.
    const old = new Database(oldFile);
    migrate(old, oldFile, MIGRATIONS.slice(0, before));
    old.exec(`
      INSERT INTO experiments (id, name, created_at) VALUES (1, 'E', '2026-01-01T00:00:00.000Z');
      INSERT INTO runs (id, experiment_id, name, algorithm, config, seed, status, created_at)
        VALUES (1, 1, 'old', 'gdas', '${JSON.stringify(gdasNb201(4))}', 4, 'completed', '2026-01-01T00:00:00.000Z');
      INSERT INTO metrics (run_id, key, step, epoch, value, seq) VALUES
        (1, 'valid.acc', 1, 1, 61, 1), (1, 'valid.acc', 2, 2, 66, 1), (1, 'valid.acc', 3, 3, NULL, 1), (1, 'warning.collapse', 2, 2, 2, 1);`);
    old.close();
    const r = 1;
    store = openStore(oldFile);
    expect(page().rows[0]).toMatchObject({ id: r, space: 'nb201', dataset: 'embedded', bestValAcc: 66, collapseEpoch: 2 });
  });
});
