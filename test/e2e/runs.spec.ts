import { test, expect } from './fixtures';
import { chart, chartPoints, fillNewRun, runIdFromUrl } from './helpers';

test('a train run started from the UI streams live points into its charts, stops on request, and is listed after a reload', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await expect(page.getByTestId('data-dir')).toHaveText(workbench.dataDir);
  await expect(page.getByTestId('backend')).toContainText(/backend: \w+/);

  // Many steps, so the run is still going when we stop it.
  await fillNewRun(page, { steps: '100000', evalEvery: '20' });
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const runId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('running');

  const loss = chart(page, 'loss');
  await expect.poll(() => chartPoints(loss)).toBeGreaterThan(0);
  const seen = await chartPoints(loss);
  await expect.poll(() => chartPoints(loss), { message: 'live run.metrics events reach the chart' }).toBeGreaterThan(seen);
  await expect(page.getByTestId('run-backend')).not.toHaveText('not started');
  await page.screenshot({ path: testInfo.outputPath('dashboard-running.png'), fullPage: true });

  await page.getByTestId('stop-run').click();
  await expect(page.getByTestId('run-status')).toHaveText('cancelled', { timeout: 2000 });
  await expect(page.getByTestId('stop-run')).toHaveCount(0);

  await page.reload();
  await page.locator('header').getByRole('link', { name: 'Experiments' }).click();
  const row = page.locator(`[data-testid=runs-table] tr[data-run-id="${runId}"]`);
  await expect(row).toContainText('cancelled');
  await expect(row).toContainText('train');
  await page.screenshot({ path: testInfo.outputPath('experiments.png'), fullPage: true });
});

test('a short run completes, and its charts hold exactly the points the store holds, live and after a reload', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await fillNewRun(page, { steps: '60', evalEvery: '20' });
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const runId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 110_000 });
  await expect(page.getByTestId('run-progress')).toHaveText('60 / 60');

  const stored = await workbench.call('metrics.query', { runId, maxPoints: 100_000 });
  const count = (group: RegExp): number => stored.filter((s) => group.test(s.key)).reduce((n, s) => n + s.steps.length, 0);
  const lossPoints = count(/^(train|valid|val|test)\.loss$/);
  const accPoints = count(/^(train|valid|val|test)\.acc$/);
  expect(lossPoints).toBeGreaterThan(0);
  expect(accPoints).toBeGreaterThan(0);
  await expect.poll(() => chartPoints(chart(page, 'loss'))).toBe(lossPoints);
  await expect.poll(() => chartPoints(chart(page, 'acc'))).toBe(accPoints);
  await expect(page.getByTestId('run-log')).not.toContainText('No log lines yet');
  await page.screenshot({ path: testInfo.outputPath('dashboard-completed.png'), fullPage: true });

  await page.reload();
  await expect.poll(() => chartPoints(chart(page, 'loss'))).toBe(lossPoints);
  await expect.poll(() => chartPoints(chart(page, 'acc'))).toBe(accPoints);
});

test('a bad form value shows the server error naming the field, and no run is created', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await fillNewRun(page, { steps: '0' });
  await page.getByTestId('start-run').click();
  const error = page.getByTestId('error');
  await expect(error).toContainText('steps');
  await expect(error).toContainText(/steps: .+/);
  // Without the internal "runs.start: config." prefix (lib/errors.ts).
  await expect(error).not.toContainText('runs.start');
  await expect(error).not.toContainText('config.');
  await expect(page.locator('label.invalid')).toHaveCount(1);
  await expect(page.locator('label.invalid [data-field="steps"]')).toHaveCount(1);
  await expect(page).toHaveURL(/#\/runs\/new/);
  await page.screenshot({ path: testInfo.outputPath('new-run-error.png'), fullPage: true });
  expect(await workbench.call('runs.list', {})).toEqual([]);
});
