import { expect, test } from './fixtures';

/**
 * A study as a user starts it from an experiment: pick NAS-Bench-201 and DARTS, start, and read what
 * the run found beside the paper's figure once it ends; a study without a method says so before
 * anything is sent.
 */
test('a study on NAS-Bench-201 runs DARTS and reports its cell’s benchmark accuracy beside the paper’s', async ({ page, workbench }, testInfo) => {
  test.setTimeout(240_000);
  const experiment = await workbench.call('experiments.create', { name: 'NB201 study' });
  await page.goto(`${workbench.url}#/experiments/${experiment.id}`);
  const panel = page.getByTestId('study-panel');
  await expect(panel).toContainText('No differentiable search in this experiment yet');
  await page.getByTestId('study-space').selectOption('nb201');
  for (const name of ['drnas', 'pcdarts', 'sdarts-rs', 'sdarts-adv', 'darts']) await panel.getByLabel(name, { exact: true }).uncheck();
  await expect(page.getByTestId('study-problem')).toContainText('strategies');
  await expect(page.getByTestId('study-start')).toBeDisabled();
  await panel.getByLabel('darts', { exact: true }).check();
  await expect(page.getByTestId('study-problem')).toHaveCount(0);
  await page.getByTestId('study-start').click();
  await expect(page.getByTestId('study-note')).toHaveText('1 run queued');

  const table = page.getByTestId('study-table');
  await expect(table).toContainText('1/1', { timeout: 180_000 });
  const row = table.locator('tbody tr').first();
  // NB201 CIFAR-10 % of the found cell, then the paper's 54.30 for DARTS.
  await expect(row.locator('td').nth(6)).toHaveText(/^\d+\.\d\d$/);
  await expect(row.locator('td').nth(9)).toHaveText('54.30');
  const [summary] = await workbench.call('studies.summary', { experimentId: experiment.id });
  await expect(row.locator('td').nth(6)).toHaveText(summary.benchmark!.cifar10.mean.toFixed(2));
  await page.screenshot({ path: testInfo.outputPath('study.png'), fullPage: true });
});
