import { test, expect } from './fixtures';
import { runIdFromUrl } from './helpers';
import type { Page } from '@playwright/test';

async function openBlackBox(page: Page, url: string, algorithm: string): Promise<void> {
  await page.goto(url);
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  await page.getByTestId('algorithm').selectOption(algorithm);
}

const field = (page: Page, path: string) => page.locator(`[data-field="${path}"]`);

test('the evaluator kind switches the black-box fields, and a bad training value shows the server error on its field', async ({ page, workbench }, testInfo) => {
  await openBlackBox(page, workbench.url, 'rea');
  await expect(field(page, 'evaluator.dataset')).toHaveValue('cifar10');
  await expect(field(page, 'evaluator.channels')).toHaveCount(0);

  await field(page, 'evaluator.kind').selectOption('nb201-train');
  await expect(field(page, 'evaluator.dataset')).toHaveCount(0);
  await expect(field(page, 'evaluator.dataset.name')).toHaveValue('embedded');
  await expect(field(page, 'evaluator.epochs')).toHaveValue('1');
  await expect(field(page, 'evaluator.learningRate')).toHaveValue('0.1');
  await expect(page.locator('label', { has: field(page, 'budget') })).toContainText('trained from scratch');

  await field(page, 'evaluator.kind').selectOption('nb201-supernet');
  await expect(field(page, 'evaluator.epochs')).toHaveCount(0);
  await expect(field(page, 'evaluator.supernetEpochs')).toHaveValue('5');
  await expect(field(page, 'evaluator.learningRate')).toHaveValue('0.025');

  await field(page, 'evaluator.channels').fill('0');
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('error')).toContainText(/evaluator\.channels: .+/);
  await expect(page.getByTestId('error')).not.toContainText('config.');
  await expect(page.locator('label.invalid')).toHaveCount(1);
  await expect(page.locator('label.invalid [data-field="evaluator.channels"]')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('new-run-supernet-error.png'), fullPage: true });
  expect(await workbench.call('runs.list', {})).toEqual([]);
});

test('random search with a tiny nb201-supernet evaluator, started from the form, completes', async ({ page, workbench }, testInfo) => {
  await openBlackBox(page, workbench.url, 'random');
  await field(page, 'evaluator.kind').selectOption('nb201-supernet');
  const tiny = {
    budget: '5', 'evaluator.channels': '4', 'evaluator.cellsPerStage': '1', 'evaluator.dataset.trainLimit': '600',
    'evaluator.supernetEpochs': '1', 'evaluator.validBatches': '2',
  };
  for (const [path, value] of Object.entries(tiny)) await field(page, path).fill(value);
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const runId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
  await expect(page.getByTestId('evaluation-row')).toHaveCount(5);

  const { run } = await workbench.call('runs.get', { id: runId });
  expect(run.config).toMatchObject({
    algorithm: 'random', budget: 5,
    evaluator: { kind: 'nb201-supernet', channels: 4, cellsPerStage: 1, supernetEpochs: 1, validBatches: 2, dataset: { name: 'embedded', trainLimit: 600 } },
  });
  await page.screenshot({ path: testInfo.outputPath('dashboard-random-supernet.png'), fullPage: true });
});
