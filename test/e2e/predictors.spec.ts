import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, expect, test } from './fixtures';

/** One CLI command on the workbench's data dir (a real process, as a user would run it). */
function cli(dataDir: string, args: string[]): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src-main/cli/main.ts', ...args, '--save', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} exited ${result.status}: ${result.stdout}\n${result.stderr}`);
}

test('comparisons saved by the CLI show as a τ chart, best-so-far curves and tables', async ({ page, workbench }, testInfo) => {
  cli(workbench.dataDir, ['predictors', '--train-sizes', '10,20,40', '--seeds', '2', '--test-size', '200', '--predictors', 'mlp,gp']);
  cli(workbench.dataDir, ['benchmark', '--strategies', 'random,rea,ls', '--trials', '3', '--budget', '30', '--target', '93']);
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'Predictors' }).click();
  const table = page.getByTestId('predictors-table');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table).toContainText('Gaussian process (RBF)');
  await expect(table.locator('thead')).toContainText('τ @ 40');
  // two predictors × three train sizes
  await expect(page.getByTestId('predictors-chart')).toHaveAttribute('data-points', '6');
  await expect(page.getByTestId('strategies-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('strategies-table')).toContainText('Queries to 93 %');
  // three strategies × 30 queries
  await expect(page.getByTestId('strategies-chart')).toHaveAttribute('data-points', '90');
  await page.screenshot({ path: testInfo.outputPath('predictors-view.png'), fullPage: true });
});
