import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

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

  it('lists no runs of a new data dir as JSON, and refuses to export a run that does not exist', () => {
    const list = cli(['runs', 'list', '--json', '--data-dir', dir]);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    const exp = cli(['export', '7', '--data-dir', dir]);
    expect(exp.status).toBe(2);
    expect(exp.stderr).toMatch(/run 7 does not exist/);
  });
});
