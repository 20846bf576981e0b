import { test, expect } from './fixtures';
import { guardConsole } from './console-guard';
import { seedDartsRun } from './seed';

/**
 * Every main view in light and dark mode (the system setting, emulated), a screenshot of each, and
 * no console error, uncaught exception or CSP violation anywhere; then the keyboard shortcuts.
 */
for (const colorScheme of ['light', 'dark'] as const) {
  test(`every main view renders without console errors in ${colorScheme} mode`, async ({ page, workbench }, testInfo) => {
    test.setTimeout(90_000);
    const problems = await guardConsole(page);
    await page.emulateMedia({ colorScheme });
    const { runId, experimentId } = seedDartsRun(workbench.dataDir, { name: 'DARTS S2 quick', skipsPerEpoch: [1, 2, 4, 6], withWarningKeys: true });
    const views: { name: string; hash: string; ready: (p: typeof page) => Promise<void> }[] = [
      { name: 'experiments', hash: `#/experiments/${experimentId}`, ready: (p) => expect(p.getByTestId('runs-table')).toContainText('DARTS S2 quick') },
      { name: 'run-dashboard', hash: `#/runs/${runId}`, ready: (p) => expect(p.getByTestId('alpha-heatmap')).toHaveCount(2) },
      { name: 'compare', hash: `#/compare?runs=${runId}&key=valid.loss`, ready: (p) => expect(p.getByTestId('compare-chart')).toBeVisible() },
      { name: 'new-run', hash: '#/runs/new', ready: (p) => expect(p.getByTestId('start-run')).toBeVisible() },
      { name: 'search-spaces', hash: '#/spaces', ready: (p) => expect(p.getByTestId('preset-S2')).toBeVisible() },
      { name: 'genotypes', hash: '#/genotypes', ready: (p) => expect(p.locator('main h1')).toBeVisible() },
    ];
    await page.goto(workbench.url);
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    // styles.css: --bg #f5f6f8 in light mode, #12161e in dark mode.
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(18, 22, 30)' : 'rgb(245, 246, 248)');
    for (const view of views) {
      await page.goto(`${workbench.url}${view.hash}`);
      await view.ready(page);
      await page.waitForTimeout(300); // charts draw on the next frame
      await page.screenshot({ path: testInfo.outputPath(`${view.name}-${colorScheme}.png`), fullPage: true });
    }
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcuts-help')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`shortcuts-${colorScheme}.png`) });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcuts-help')).toHaveCount(0);
    expect(await problems()).toEqual([]);
  });
}

test('keyboard shortcuts open the main views, and do nothing while typing', async ({ page, workbench }) => {
  await page.goto(workbench.url);
  await expect(page.getByTestId('app-info')).toBeVisible();
  for (const [keys, hash] of [[['g', 'c'], '#/compare'], [['g', 'n'], '#/runs/new'], [['g', 's'], '#/spaces'], [['g', 'g'], '#/genotypes'], [['g', 'e'], '#/experiments']] as const) {
    for (const key of keys) await page.keyboard.press(key);
    await expect(page).toHaveURL(new RegExp(`${hash.replace('/', '\\/')}`));
  }
  await page.keyboard.press('Alt+2');
  await expect(page).toHaveURL(/#\/runs\/new/);
  // In a field, g then s is text.
  const field = page.getByTestId('run-name');
  await field.click();
  await page.keyboard.type('gs');
  await expect(page).toHaveURL(/#\/runs\/new/);
  await expect(field).toHaveValue('gs');
});

test('charts follow a switch of the system colour scheme while the page is open', async ({ page, workbench }) => {
  const problems = await guardConsole(page);
  await page.emulateMedia({ colorScheme: 'light' });
  const { runId } = seedDartsRun(workbench.dataDir, { name: 'DARTS S2 quick', skipsPerEpoch: [1, 2, 4, 6], withWarningKeys: true });
  await page.goto(`${workbench.url}#/runs/${runId}`);
  const chart = page.getByTestId('metric-chart').first();
  await expect(chart).toHaveAttribute('data-theme', 'light');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(chart).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('alpha-heatmap').first()).toHaveAttribute('data-theme', 'dark');
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  expect(await problems()).toEqual([]);
});
