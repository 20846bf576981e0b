import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatStudy } from '../../../src-main/cli/commands/study';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, NAS_WORKBENCH_DATA_DIR: '' } });

describe('the study command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-study-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a bad space, an unknown strategy, bad epochs and parallel, in one line each, creating nothing', () => {
    const dataDir = join(dir, 'data');
    for (const [args, message] of [
      [['--space', 's9'], /space: Invalid option: expected one of "s1"\|"s2"/],
      [['--space', 's2', '--strategies', 'darts,enas'], /strategies\.1: .*strategies: darts, drnas, pcdarts/],
      [['--space', 's2', '--seeds', 'many'], /seeds: /],
      [['--space', 's2', '--epochs', '0'], /epochs: /],
      [['--space', 's2', '--parallel', '0'], /--parallel must be a whole number from 1 to 16/],
    ] as const) {
      const r = cli(['study', ...args, '--data-dir', dataDir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Every refusal comes before the store is opened: nothing was written.
    expect(existsSync(join(dataDir, 'checkpoints'))).toBe(false);
  });

  it('prints mean ± sample std per method and the paper’s NAS-Bench-201 figure beside ours', () => {
    const stat = (mean: number, std: number | null, n: number) => ({ mean, std, n });
    const lines = formatStudy(
      [
        { algorithm: 'darts', runs: 2, completed: 2, parameterFree: stat(0.75, 0.125, 2), firstEigenvalue: stat(0.1, null, 1), lastEigenvalue: stat(0.5, 0.1, 2), seconds: stat(40, 2, 2), benchmark: { cifar10: stat(54.3, 0, 2) }, evaluatedTop1: null, genotypes: [], runIds: [1, 2] },
      ],
      'nb201',
    );
    expect(lines[0]).toMatch(/^method\s+done\s+param-free %\s+eig first\s+eig last\s+seconds\s+NB201 C10 %\s+C100 %\s+IN16 %\s+paper C10 %\s+evaluated top-1 %$/);
    expect(lines[1].split(/\s{2,}/)).toEqual(['darts', '2/2', '75.0 ± 12.5', '0.100', '0.500 ± 0.100', '40 ± 2', '54.30 ± 0.00', '-', '-', '54.30', '-']);
    // On S2 the DARTS-PT paper's CIFAR-10 errors (4.85 DARTS, 2.79 DARTS-PT) stand beside ours.
    const s2 = formatStudy([{ algorithm: 'darts-pt', runs: 1, completed: 1, parameterFree: stat(0.5, null, 1), firstEigenvalue: null, lastEigenvalue: null, seconds: null, benchmark: null, evaluatedTop1: null, genotypes: [], runIds: [3] }], 's2');
    expect(lines.length).toBe(3);
    expect(s2[0]).toMatch(/seconds\s+paper S2 C10 err %\s+evaluated top-1 %$/);
    expect(s2[1].split(/\s{2,}/)).toEqual(['darts-pt', '1/1', '50.0', '-', '-', '-', '2.79', '-']);
  });
});
