import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src-main/cli/run-command';
import { PRESETS } from '../../../src-shared/model/presets';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const cli = (args: string[]) =>
  spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, NAS_WORKBENCH_DATA_DIR: '' } });

describe('cli run --seed', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-seed-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the seed of a preset and of a config file, and only the seed', () => {
    expect(PRESETS.quick.seed).toBeUndefined();
    const preset = loadRunConfig({ preset: 'quick', seed: 7, json: false }, PRESETS);
    const plain = loadRunConfig({ preset: 'quick', json: false }, PRESETS);
    expect(preset.seed).toBe(7);
    expect(plain.seed).toBe(0);
    expect({ ...preset, seed: 0 }).toEqual(plain);
  });

  it('stores the run with the seed given on the command line (a real run in a real process)', () => {
    const config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify({ algorithm: 'train', seed: 1, steps: 2, batchSize: 4, evalEvery: 2, channels: 2, dataset: { name: 'embedded', trainLimit: 16, testLimit: 8 } }));
    const dataDir = join(dir, 'data');
    const run = cli(['run', '--config', config, '--seed', '7', '--data-dir', dataDir, '--json']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const list = cli(['runs', 'list', '--json', '--data-dir', dataDir]);
    const [stored] = JSON.parse(list.stdout) as { seed: number; config: { seed: number } }[];
    expect(stored.seed).toBe(7);
    expect(stored.config.seed).toBe(7);
  }, 60_000);

  it('refuses a seed that is not a whole number in range before anything is written', () => {
    const dataDir = join(dir, 'data');
    for (const bad of ['-1', 'abc', '1.5', '2147483648']) {
      const r = cli(['run', '--preset', 'train-small', `--seed=${bad}`, '--data-dir', dataDir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--seed must be a whole number from 0 to 2147483647, got '${bad}'`);
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);
});
