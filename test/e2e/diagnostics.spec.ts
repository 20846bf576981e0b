import { test, expect } from './fixtures';
import { guardConsole } from './console-guard';
import { seedDartsRun } from './seed';

/**
 * A DARTS run on the quick preset's S2 space whose normal cell fills with skip connections (1, 2,
 * 4, 6 of 8 inputs at epochs 1–4), seeded into the store as the engine records it: the dashboard
 * says so at epoch 3, the first with half the inputs parameter-free. The same stream recorded before
 * the warning existed (no `warning.collapse`, no `genotype.param_free.normal`) shows it too, by
 * replaying the detector; a run whose cell keeps one skip connection shows none.
 */
test('the run dashboard warns of DARTS collapse with the reason and the epoch, also for older runs', async ({ page, workbench }, testInfo) => {
  const problems = await guardConsole(page);
  const { runId: collapsed } = seedDartsRun(workbench.dataDir, { name: 'DARTS S2 (collapses)', skipsPerEpoch: [1, 2, 4, 6], withWarningKeys: true });
  const { runId: older } = seedDartsRun(workbench.dataDir, { name: 'DARTS S2 (recorded before the warning)', skipsPerEpoch: [1, 2, 4, 6], withWarningKeys: false });
  const { runId: healthy } = seedDartsRun(workbench.dataDir, { name: 'DARTS S2 (healthy)', skipsPerEpoch: [1, 1, 1, 1], withWarningKeys: true });

  await page.goto(`${workbench.url}#/runs/${collapsed}`);
  const warning = page.getByTestId('collapse-warning');
  await expect(warning).toContainText('Collapse warning at epoch 3');
  await expect(warning).toContainText("4 of the normal cell's 8 inputs");
  await expect(page.getByTestId('run-log')).toContainText('epoch 3: collapse warning');
  await page.screenshot({ path: testInfo.outputPath('collapse-warning.png'), fullPage: true });

  // The heatmap's colour scale: per edge by default, absolute on request.
  const heatmap = page.getByTestId('alpha-heatmap').first();
  await expect(heatmap).toHaveAttribute('data-scale', 'edge');
  await page.getByTestId('heatmap-scale-absolute').first().click();
  await expect(heatmap).toHaveAttribute('data-scale', 'absolute');

  await page.goto(`${workbench.url}#/runs/${older}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('collapse-warning')).toContainText('Collapse warning at epoch 3');

  await page.goto(`${workbench.url}#/runs/${healthy}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed');
  await expect(page.getByTestId('metric-chart').first()).toBeVisible();
  await expect(page.getByTestId('collapse-warning')).toHaveCount(0);

  expect(await problems()).toEqual([]);
});

test('a PVLL-style stream shows predicted against measured loss as a scatter', async ({ page, workbench }, testInfo) => {
  const { runId: id } = seedDartsRun(workbench.dataDir, { name: 'with PVLL pairs', skipsPerEpoch: [1, 1, 1, 1], withWarningKeys: true, pvllPairs: 12 });
  await page.goto(`${workbench.url}#/runs/${id}`);
  const scatter = page.getByTestId('pvll-scatter');
  await expect(scatter).toHaveAttribute('data-pairs', '12');
  // 12 pairs and the diagonal's two ends.
  await expect(scatter).toHaveAttribute('data-points', '14');
  await scatter.screenshot({ path: testInfo.outputPath('pvll-scatter.png') });
});

test('a running run shows the time left in its progress bar, and none once it ended', async ({ page, workbench }, testInfo) => {
  const run = await workbench.call('runs.start', { config: { algorithm: 'train', steps: 100_000, evalEvery: 50 } });
  await page.goto(`${workbench.url}#/runs/${run.id}`);
  await expect(page.getByTestId('run-status')).toHaveText('running');
  // 100 000 steps at a CPU's pace: hours, once the first steps are done.
  await expect(page.getByTestId('run-time-left')).toContainText(/^(about \d+ h \d\d min|about \d+ min) left$/);
  await page.locator('.progress').screenshot({ path: testInfo.outputPath('time-left.png') });
  await workbench.call('runs.stop', { id: run.id });
  await expect(page.getByTestId('run-status')).toHaveText('cancelled');
  await expect(page.getByTestId('run-time-left')).toHaveCount(0);
});
