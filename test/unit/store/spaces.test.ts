import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, SpaceNameTakenError } from '../../../src-main/store';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { SearchSpace } from '../../../src-shared/model/space';
import { migrate } from '../../../src-main/store/migrations';
import { tempDir } from './helpers';

describe('saved search spaces, on a real SQLite file', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    tmp = tempDir();
    file = join(tmp.dir, 'workbench.sqlite');
  });
  afterEach(() => tmp.remove());

  it('saves by name, lists by name, refuses a taken name, replaces on request, deletes, and keeps them across a reopen', () => {
    const s2 = robustDartsSpace('S2', { layers: 2, channels: 4 });
    const nb201 = SearchSpace.parse({ kind: 'nb201', ops: ['skip_connect', 'nor_conv_3x3'], cellsPerStage: 1 });
    let store = openStore(file);
    const a = store.spaces.save({ name: '  tiny S2 ', space: s2, replace: false });
    const b = store.spaces.save({ name: 'a nb201 pair', space: nb201, replace: false });
    expect(a.name).toBe('tiny S2');
    expect(store.spaces.list().map((s) => s.name)).toEqual(['a nb201 pair', 'tiny S2']);
    expect(() => store.spaces.save({ name: 'tiny S2', space: nb201, replace: false })).toThrow(SpaceNameTakenError);
    expect(store.spaces.get(a.id)?.space).toEqual(s2);
    const replaced = store.spaces.save({ name: 'tiny S2', space: nb201, replace: true });
    expect(replaced.id).toBe(a.id);
    expect(replaced.createdAt).toBe(a.createdAt);
    expect(replaced.space).toEqual(nb201);
    store.close();

    store = openStore(file);
    expect(store.spaces.list()).toEqual([b, replaced]);
    expect(store.spaces.delete(b.id)).toBe(true);
    expect(store.spaces.delete(b.id)).toBe(false);
    expect(store.spaces.list().map((s) => s.id)).toEqual([a.id]);
    store.close();
  });

  it('adds the table to a store written before it existed, keeping its runs', () => {
    const index = MIGRATIONS.findIndex((m) => m.name === 'saved search spaces');
    expect(index).toBeGreaterThan(0);
    // The older schema written as that version did (the repositories of this one expect the table).
    const old = new Database(file);
    migrate(old, file, MIGRATIONS.slice(0, index));
    old.prepare("INSERT INTO experiments (name, created_at) VALUES ('kept', '2026-12-07T00:00:00.000Z')").run();
    old.close();
    const store = openStore(file);
    expect(store.experiments.list().map((e) => e.name)).toEqual(['kept']);
    expect(store.spaces.list()).toEqual([]);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('is read-only in a read-only store: a save is refused and nothing is written', () => {
    openStore(file).close();
    const store = openStore(file, { readonly: true });
    expect(() => store.spaces.save({ name: 'x', space: SearchSpace.parse({ kind: 'darts' }), replace: false })).toThrow(/read-only/);
    expect(store.spaces.list()).toEqual([]);
    store.close();
  });
});
