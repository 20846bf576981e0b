import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, ownerProcessGone, StoreError } from '../../../src-main/store';
import { tempDir } from './helpers';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const config = { algorithm: 'train' };

/** A database as version 1 of the app left it: its schema only, written with raw SQL. */
function versionOneFile(file: string, fill?: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  MIGRATIONS[0].up(db);
  db.pragma('user_version = 1');
  fill?.(db);
  db.close();
}

describe('a store several processes share', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = join(temp.dir, 'workbench.sqlite');
  });
  afterEach(() => temp.remove());

  it('upgrades a version-1 file keeping every row and the foreign-key cascade', () => {
    versionOneFile(file, (db) =>
      db.exec(`
        INSERT INTO experiments (id, name, created_at) VALUES (1, 'old', '2026-01-01T00:00:00.000Z');
        INSERT INTO runs (id, experiment_id, name, algorithm, config, seed, status, created_at)
          VALUES (1, 1, 'r', 'train', '{"algorithm":"train"}', 1, 'running', '2026-01-01T00:00:00.000Z');
        INSERT INTO metrics (run_id, key, step, epoch, value) VALUES (1, 'train.loss', 3, 0, 0.25);
        INSERT INTO logs (run_id, time, level, message) VALUES (1, '2026-01-01T00:00:00.000Z', 'info', 'hello');`),
    );
    const e = { id: 1 };
    const run = { id: 1 };

    const v2 = openStore(file);
    // Left running by a build without leases: interrupted, last seen unknown.
    expect(v2.runs.get(run.id)).toMatchObject({ name: 'r', seed: 1, status: 'interrupted', lastSeenAt: null, checkpointStep: null });
    expect(v2.metrics.query({ runId: run.id })[0]).toMatchObject({ steps: [3], values: [0.25] });
    expect(v2.logs.list(run.id).map((l) => l.message)).toEqual(['hello']);
    expect(v2.leases.markInterrupted(run.id)).toBe(true);
    expect(v2.runs.get(run.id)?.status).toBe('interrupted');
    v2.experiments.delete(e.id);
    expect(v2.metrics.keys(run.id)).toEqual([]);
    expect(v2.logs.list(run.id)).toEqual([]);
    v2.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });

  it('counts a killed owner that is still a zombie (not yet reaped) as gone', async () => {
    // sh starts a child that exits a second later, then becomes `sleep`, which never reaps it: a
    // zombie. (A child that exits at once could be reaped by sh itself before the exec, on a loaded
    // machine: then its pid is gone, not a zombie.)
    const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
      await expect.poll(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0], { timeout: 15_000 }).toBe('Z');
      expect(() => process.kill(pid, 0)).not.toThrow(); // the pid still exists for kill(2)
      expect(ownerProcessGone(`${hostname()}:${pid}:n`)).toBe(true);
      expect(ownerProcessGone(`${hostname()}:${parent.pid}:n`)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it("sees at once that an owner on this machine was killed, and otherwise waits for the lease's expiry", async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const owner = `${hostname()}:${child.pid}:n`;
    const store = openStore(file);
    const e = store.experiments.create({ name: 'E' });
    const run = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 1 }, { owner, ttlMs: 60_000 });
    expect(ownerProcessGone(owner)).toBe(false);
    expect(store.runs.get(run.id)).toMatchObject({ status: 'queued', owner });
    const before = sha256(file);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(ownerProcessGone(owner)).toBe(true);
    const seen = store.runs.get(run.id)!;
    expect(seen).toMatchObject({ status: 'interrupted', owner: null });
    // lastSeenAt is the owner's last renewal (here: creation), not the time of this read.
    expect(seen.lastSeenAt).toBe(run.lastSeenAt);
    expect(sha256(file)).toBe(before);

    // On another machine only the expiry counts.
    const far = store.runs.create({ experimentId: e.id, name: 'far', algorithm: 'train', config, seed: 1 }, { owner: 'far-away:1:x', ttlMs: 150 });
    expect(store.runs.get(far.id)?.status).toBe('queued');
    await new Promise((r) => setTimeout(r, 200));
    expect(store.runs.get(far.id)?.status).toBe('interrupted');
    store.close();
  });

  it('opens read-only: browses, refuses writes with a clear error, and writes nothing', () => {
    const w = openStore(file);
    const e = w.experiments.create({ name: 'E' });
    w.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 1 }, { owner: 'x:1:y', ttlMs: 60_000 });
    w.close();
    const before = { sha: sha256(file), mtime: statSync(file).mtimeMs };
    const ro = openStore(file, { readonly: true });
    expect(ro.readonly).toBe(true);
    expect(ro.runs.list().map((r) => r.name)).toEqual(['r']);
    expect(() => ro.experiments.create({ name: 'no' })).toThrow(StoreError);
    expect(() => ro.experiments.create({ name: 'no' })).toThrow(/is open read-only .*nothing was saved/);
    expect(() => ro.leases.markInterrupted(1)).not.toThrow();
    ro.close();
    expect({ sha: sha256(file), mtime: statSync(file).mtimeMs }).toEqual(before);

    // No database yet: an empty store, and nothing created on disk.
    const none = openStore(join(temp.dir, 'none', 'workbench.sqlite'), { readonly: true });
    expect(none.runs.list()).toEqual([]);
    expect(() => none.experiments.create({ name: 'x' })).toThrow(/read-only/);
    none.close();
    expect(spawnSync('ls', [temp.dir]).stdout.toString().trim()).toBe('workbench.sqlite');
  });

  it('refuses, read-only, a schema older than the app with what to do', () => {
    versionOneFile(file);
    const before = sha256(file);
    expect(() => openStore(file, { readonly: true })).toThrow(
      /older version of the workbench \(schema 1, this app needs \d+\) and is opened read-only here, so it cannot be upgraded: open it once with write access/,
    );
    expect(sha256(file)).toBe(before);
  });

  it('reads a WAL store in a folder this user cannot write (as nobody, when run as root)', () => {
    if (process.getuid?.() !== 0) return; // needs root to become another user; as a user, chmod alone tests it below
    const w = openStore(file);
    w.experiments.create({ name: 'seen through a read-only folder' });
    w.close();
    chmodSync(temp.dir, 0o555);
    chmodSync(file, 0o444);
    try {
      const script = `(async () => {
        const { openStore } = await import(${JSON.stringify(new URL('../../../src-main/store/index.ts', import.meta.url).pathname)});
        const s = openStore(${JSON.stringify(file)}, { readonly: true });
        console.log(JSON.stringify(s.experiments.list().map((e) => e.name)));
        try { s.experiments.create({ name: 'x' }); } catch (e) { console.log(e.message); }
      })();`;
      const tsx = new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url).pathname;
      const r = spawnSync(process.execPath, [tsx, '--eval', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: temp.dir, env: { ...process.env, HOME: temp.dir } });
      expect(r.stderr).toBe('');
      const [names, refusal] = r.stdout.trim().split('\n');
      expect(JSON.parse(names)).toEqual(['seen through a read-only folder']);
      expect(refusal).toMatch(/read-only/);
      expect(spawnSync('ls', [temp.dir]).stdout.toString().trim()).toBe('workbench.sqlite');
    } finally {
      chmodSync(temp.dir, 0o755);
    }
  });

  describe('a damaged file gets a message that says what is wrong and what to do', () => {
    const damaged = /workbench database .* is damaged \(.*\)\. Nothing was changed\. Move the file aside .*--data-dir/;

    it('garbage bytes', () => {
      writeFileSync(file, Buffer.alloc(8192, 0x5a));
      expect(() => openStore(file)).toThrow(damaged);
      expect(() => openStore(file, { readonly: true })).toThrow(damaged);
    });

    it('a truncated file and a malformed page, at the first query', () => {
      const w = openStore(file);
      const e = w.experiments.create({ name: 'E' });
      const run = w.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config, seed: 1 });
      w.metrics.append(run.id, Array.from({ length: 5000 }, (_, step) => ({ key: 'train.loss', step, epoch: 0, value: step })));
      w.close();
      const pageSize = 4096;
      const pages = statSync(file).size / pageSize;
      expect(pages).toBeGreaterThan(10);
      // A malformed page: the last page of the metrics tree overwritten with garbage.
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (pages - 2) * pageSize);
      closeSync(fd);
      const s = openStore(file, { readonly: true });
      let thrown: unknown;
      try {
        s.metrics.query({ runId: run.id });
      } catch (error) {
        thrown = error;
      }
      s.close();
      expect(thrown).toBeInstanceOf(StoreError);
      expect((thrown as StoreError).kind).toBe('damaged');
      expect((thrown as Error).message).toMatch(damaged);

      truncateSync(file, 3 * pageSize + 100);
      expect(() => {
        const t = openStore(file);
        t.metrics.query({ runId: run.id });
      }).toThrow(damaged);
    });
  });
});
