import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, expect, test } from './fixtures';

test('the Proxies view shows the cached scores as a correlation table and a scatter of any proxy', async ({ page, workbench }, testInfo) => {
  await page.goto(`${workbench.url.replace(/#.*$/, '')}#/proxies`);
  await expect(page.getByText('No proxy scores yet')).toBeVisible();

  execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'test/e2e/seed-proxy-scores.ts', workbench.dataDir, '60'], { cwd: ROOT });
  await page.getByRole('button', { name: 'Reload' }).click();
  const table = page.getByTestId('proxies-table');
  await expect(table.locator('tbody tr')).toHaveCount(11);
  await expect(page.getByTestId('proxies-scope')).toContainText('(60 cells)');
  await expect(page.getByTestId('proxies-chart')).toHaveAttribute('data-points', '60');
  // The scatter follows the chosen proxy and accuracy.
  await page.getByTestId('proxies-proxy').selectOption('naswot');
  await page.getByTestId('proxies-dataset').selectOption('cifar100');
  await expect(page.getByText('naswot against cifar100 test accuracy')).toBeVisible();
  await expect(page.getByTestId('proxies-chart')).toHaveAttribute('data-points', '60');
  await page.screenshot({ path: testInfo.outputPath('proxies-view.png'), fullPage: true });
});
