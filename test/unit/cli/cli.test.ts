import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const cli = (args: string[]) =>
  spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, NAS_WORKBENCH_DATA_DIR: '' } });

/** The CLI as a user runs it: a real process, its exit code, its stdout and stderr. */
describe('the CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a malformed config, naming the field, and writes nothing', () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ algorithm: 'train', steps: 'many' }));
    const dataDir = join(dir, 'data');
    const r = cli(['run', '--config', config, '--data-dir', dataDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/invalid run config .*bad\.json.*steps: .*expected number/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('says where a config file is not JSON', () => {
    const config = join(dir, 'broken.json');
    writeFileSync(config, '{"algorithm": "train",');
    const r = cli(['run', '--config', config, '--data-dir', join(dir, 'data')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.json is not valid JSON/);
  });

  it('lists no runs of a new data dir as JSON, and refuses to export a run that does not exist, creating nothing', () => {
    const dataDir = join(dir, 'data');
    const list = cli(['runs', 'list', '--json', '--data-dir', dataDir]);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const exp = cli(['export', '7', '--data-dir', dataDir]);
    expect(exp.status).toBe(2);
    expect(exp.stderr).toBe('error: run 7 does not exist\n');
    // Read-only commands: not even the data dir is created.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reads a config file that starts with a UTF-8 byte order mark', () => {
    const config = join(dir, 'bom.json');
    writeFileSync(config, '\uFEFF' + JSON.stringify({ algorithm: 'train', steps: 'many' }));
    const r = cli(['run', '--config', config, '--data-dir', join(dir, 'data')]);
    // Parsed as JSON (the BOM is not "invalid JSON"): the schema names the bad field.
    expect(r.stderr).toMatch(/invalid run config .*bom\.json.*steps: .*expected number/);
  });

  it('refuses to resume a run without a checkpoint in one line, with the stack only under --verbose', () => {
    const store = openStore(join(dir, 'workbench.sqlite'));
    const e = store.experiments.getOrCreateDefault();
    const run = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config: { algorithm: 'train' }, seed: 0 });
    store.close();
    const r = cli(['resume', String(run.id), '--data-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`error: run ${run.id} has no checkpoint to resume from (it ended before writing one); start a new run with the same config instead\n`);
    const missing = cli(['resume', '--data-dir', dir]);
    expect(missing.stderr).toMatch(/^error: resume needs a RUN_ID/);
  });

  it('names a damaged store and what to do, in one line; --verbose adds the stack trace', () => {
    writeFileSync(join(dir, 'workbench.sqlite'), Buffer.alloc(4096, 0x42));
    const r = cli(['runs', 'list', '--data-dir', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: the workbench database .*workbench\.sqlite is damaged \(it is not an SQLite database.*Move the file aside.*--verbose shows the stack trace/);
    const verbose = cli(['runs', 'list', '--data-dir', dir, '--verbose']);
    expect(verbose.stderr).toMatch(/\n\s+at .*\n[^]*caused by: SqliteError: file is not a database/);
  });
});
