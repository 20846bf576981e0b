import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { runIdFromUrl } from './helpers';

const edges = (page: Page) => page.getByTestId('space-diagram').getByTestId('cell-edge');

test('edit a space and watch its cell redraw, save it, find it after a reload, export and import it, run in it', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'Search spaces' }).click();
  await expect(edges(page)).toHaveCount(14);
  await page.locator('[data-field=nodes]').fill('2');
  await expect(edges(page)).toHaveCount(5);
  for (const op of ['none', 'max_pool_3x3', 'avg_pool_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']) await page.locator(`[data-op="${op}"]`).uncheck();
  await expect(edges(page).first()).toHaveAttribute('data-op', 'skip sep3');
  await page.locator('[data-field=layers]').fill('2');
  await page.locator('[data-field=channels]').fill('4');
  await page.screenshot({ path: testInfo.outputPath('space-diagram.png'), fullPage: true });

  await page.getByTestId('space-name').fill('two-node');
  await page.getByTestId('save-space').click();
  await expect(page.getByTestId('space-notice')).toHaveText('Saved as “two-node”.');
  await page.getByTestId('save-space').click();
  await expect(page.getByTestId('space-error')).toContainText("a space named 'two-node' already exists");
  await expect(page.getByTestId('space-error')).not.toContainText('spaces.save');

  await page.reload();
  await expect(page.getByTestId('saved-spaces').locator('tr[data-space="two-node"]')).toHaveCount(1);
  await page.getByTestId('saved-spaces').locator('tr[data-space="two-node"]').getByTestId('load-space').click();
  await expect(edges(page)).toHaveCount(5);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-space').click();
  const file = testInfo.outputPath('two-node.json');
  await (await download).saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { nodes: number; ops: string[] };
  expect(exported).toMatchObject({ kind: 'darts', nodes: 2, layers: 2, channels: 4, ops: ['skip_connect', 'sep_conv_3x3'] });

  await page.locator('[data-field=nodes]').fill('3');
  await expect(edges(page)).toHaveCount(9);
  await page.getByTestId('import-space').setInputFiles(file);
  await expect(page.getByTestId('space-notice')).toHaveText('Imported two-node.json.');
  await expect(page.locator('[data-field=nodes]')).toHaveValue('2');
  await expect(edges(page)).toHaveCount(5);
  await page.screenshot({ path: testInfo.outputPath('space-saved.png'), fullPage: true });

  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  await page.getByTestId('algorithm').selectOption('darts');
  await page.getByTestId('saved-space').selectOption('two-node');
  await expect(page.getByTestId('carried-space')).toContainText('Saved space “two-node”');
  for (const [path, value] of Object.entries({ epochs: '1', batchSize: '4', batchesPerEpoch: '1', validBatches: '1', 'dataset.trainLimit': '16', 'dataset.testLimit': '8' })) {
    await page.locator(`[data-field="${path}"]`).fill(value);
  }
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+/);
  const { run } = await workbench.call('runs.get', { id: runIdFromUrl(page) });
  const [saved] = await workbench.call('spaces.list', {});
  expect((run.config as { space: unknown }).space).toEqual(saved.space);
  await expect(page.getByTestId('run-status').first()).toContainText(/completed/, { timeout: 90_000 });
  await page.screenshot({ path: testInfo.outputPath('space-run.png'), fullPage: true });
});
