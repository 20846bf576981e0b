import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, NewerSchemaError, openStore, type Migration } from '../../../src-main/store';
import { tempDir } from './helpers';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('store on a real file', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = join(temp.dir, 'data', 'workbench.sqlite');
  });
  afterEach(() => temp.remove());

  it('creates the folder, sets WAL and foreign keys, and finds its data after a reopen', () => {
    const store = openStore(file);
    const e = store.experiments.create({ name: 'kept' });
    const run = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config: { a: 1 }, seed: 3 }, { owner: 'me:1:a', ttlMs: 60_000 });
    store.metrics.append(run.id, [{ key: 'train.loss', step: 1, epoch: 0, value: 0.5 }]);
    store.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const strict = raw.prepare<[], { name: string; strict: number }>("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all();
    expect(strict.length).toBeGreaterThanOrEqual(7);
    expect(strict.every((t) => t.strict === 1)).toBe(true);
    raw.close();

    const again = openStore(file);
    expect(again.experiments.list().map((x) => x.name)).toEqual(['kept']);
    expect(again.runs.get(run.id)).toMatchObject({ config: { a: 1 }, seed: 3, status: 'queued' });
    expect(again.metrics.query({ runId: run.id })[0].values).toEqual([0.5]);
    // foreign_keys is a per-connection setting: the cascade must work on a reopened connection too.
    again.experiments.delete(e.id);
    expect(again.metrics.keys(run.id)).toEqual([]);
    again.close();
  });

  it('refuses a database from a newer app with a clear message and leaves it untouched', () => {
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha256(file);

    const expected =
      `this database was written by a newer version of the workbench (schema ${MIGRATIONS.length + 1}, ` +
      `this app knows ${MIGRATIONS.length}); update the app or point --data-dir elsewhere`;
    let thrown: unknown;
    try {
      openStore(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(NewerSchemaError);
    expect((thrown as Error).message).toContain(expected);
    expect((thrown as Error).message).toContain(file);
    expect(sha256(file)).toBe(before);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('refuses a file that is not SQLite without touching it', () => {
    const notDb = join(temp.dir, 'text.sqlite');
    writeFileSync(notDb, 'this is not a database, just text that is long enough to have a header');
    const before = sha256(notDb);
    expect(() => openStore(notDb)).toThrow(/is damaged \(it is not an SQLite database: file is not a database\).*Move the file aside/);
    expect(sha256(notDb)).toBe(before);
  });

  it('rolls a failing migration back wholly and wraps its cause', () => {
    const next = MIGRATIONS.length + 1;
    const failing: Migration = {
      version: next,
      name: 'half-done change',
      up(db) {
        db.exec('CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT');
        db.exec("INSERT INTO experiments (name, created_at) VALUES ('from migration', '2026-01-01T00:00:00.000Z')");
        db.exec('ALTER TABLE no_such_table ADD COLUMN x INTEGER');
      },
    };
    const store = openStore(file);
    store.experiments.create({ name: 'before' });
    store.close();

    let thrown: Error | undefined;
    try {
      openStore(file, { migrations: [...MIGRATIONS, failing] });
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toContain(`migration ${next} ('half-done change') failed`);
    expect(thrown?.message).toMatch(/failed and was rolled back: no such table: no_such_table/);
    expect((thrown?.cause as Error).message).toMatch(/no such table/);

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'extra'").get()).toEqual({ n: 0 });
    expect(raw.prepare('SELECT name FROM experiments').all()).toEqual([{ name: 'before' }]);
    raw.close();

    // The same history without the failing step still opens.
    const reopened = openStore(file);
    expect(reopened.experiments.list()).toHaveLength(1);
    reopened.close();
  });

  it('applies a later migration to an existing database, keeping its data', () => {
    const addColumn: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'experiment colour',
      up: (db) => db.exec("ALTER TABLE experiments ADD COLUMN colour TEXT NOT NULL DEFAULT 'grey'"),
    };
    const first = openStore(file);
    first.experiments.create({ name: 'old' });
    first.close();
    openStore(file, { migrations: [...MIGRATIONS, addColumn] }).close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(raw.prepare('SELECT name, colour FROM experiments').all()).toEqual([{ name: 'old', colour: 'grey' }]);
    raw.close();
  });

  it('refuses a migration list that is out of order', () => {
    const n = MIGRATIONS.length;
    const wrong: Migration = { version: n + 2, name: 'skips one', up: () => undefined };
    expect(() => openStore(':memory:', { migrations: [...MIGRATIONS, wrong] })).toThrow(
      `entry ${n} ('skips one') has version ${n + 2}, expected ${n + 1}`,
    );
  });
});
