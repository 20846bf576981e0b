import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, expect, test } from './fixtures';

/**
 * A search started by the CLI on the UI's data dir is seen live in the browser, killed with SIGKILL
 * (the CLI and its engine), shown as interrupted, resumed with the dashboard's button, and ends
 * with the genotype and metrics of an uninterrupted run of the same seed.
 */

const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const env = { ...process.env, NAS_WORKBENCH_DATA_DIR: '' };
const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args], { cwd: ROOT, env, encoding: 'utf8' });

function metricsOf(dataDir: string): { key: string; step: number; value: number }[] {
  const db = new Database(join(dataDir, 'workbench.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT key, step, value FROM metrics WHERE run_id = 1 ORDER BY key, step').all() as never;
  } finally {
    db.close();
  }
}

test('a run killed with its process resumes from the dashboard to the uninterrupted result', async ({ page, workbench }, testInfo) => {
  test.setTimeout(240_000);
  const reference = mkdtempSync(join(tmpdir(), 'nas-e2e-ref-'));
  try {
    const victim = spawn(process.execPath, [tsx, 'src-main/cli/main.ts', 'run', '--preset', 'quick', '--data-dir', workbench.dataDir], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: 'ignore',
    });
    const victimExit = new Promise((resolve) => victim.on('exit', resolve));

    // The UI shows the other process's run live, then its first checkpoint lands.
    await page.goto(`${workbench.url}#/runs/1`);
    await expect(page.getByTestId('run-status')).toHaveText('running', { timeout: 60_000 });
    await expect
      .poll(async () => (await workbench.call('runs.get', { id: 1 })).run.checkpointStep ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(0);
    process.kill(-victim.pid!, 'SIGKILL');
    await victimExit;

    await expect(page.getByTestId('run-status')).toHaveText('interrupted', { timeout: 30_000 });
    await expect(page.getByTestId('interrupted-notice')).toContainText('last seen alive');
    // Opened before the CLI created the run: the dashboard caught up with it, series included.
    await expect(page.locator('.error-notice')).toHaveCount(0);
    await expect(page.locator('[data-testid=metric-chart]').first()).toBeVisible();
    const resume = page.getByTestId('resume-run');
    await expect(resume).toHaveText(/Resume from step \d+/);
    // Its process is gone: what is left is to cancel it for good, not to stop it.
    await expect(page.getByTestId('stop-run')).toHaveText('Cancel');
    await page.screenshot({ path: testInfo.outputPath('interrupted.png') });

    const ref = cli(['run', '--preset', 'quick', '--data-dir', reference]);
    expect(ref.status, ref.stderr).toBe(0);

    await resume.click();
    await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });
    await expect(resume).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('resumed.png') });

    const exported = (dir: string) => cli(['export', '1', '--data-dir', dir]).stdout;
    expect(exported(workbench.dataDir)).toBe(exported(reference));
    expect(metricsOf(workbench.dataDir)).toEqual(metricsOf(reference));
  } finally {
    rmSync(reference, { recursive: true, force: true });
  }
});
