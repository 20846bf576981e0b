import { ROOT, expect, test } from './fixtures';
import { runIdFromUrl } from './helpers';
import { publishedDartsCell } from '../fixtures/published';


/** DARTS_V2 as DARTS's genotypes.py writes it. */
function pythonText(name: string): string {
  const g = publishedDartsCell(name);
  const pairs = (cell: [string, number][]) => `[${cell.map(([op, i]) => `('${op}', ${i})`).join(', ')}]`;
  return `${name} = Genotype(normal=${pairs(g.normal)}, normal_concat=[${g.normal_concat.join(', ')}], reduce=${pairs(g.reduce)}, reduce_concat=[${g.reduce_concat.join(', ')}])`;
}

test('a pasted DARTS_V2 cell shows its evaluation-network size, canonical forms and a diagram of both cells', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'Genotype' }).click();
  await page.getByTestId('genotype-input').fill(pythonText('DARTS_V2'));
  await page.getByTestId('read-genotype').click();
  await expect(page.getByTestId('eval-params')).toContainText('3,349,342');
  const cells = page.getByTestId('cell-diagram');
  await expect(cells).toHaveCount(2);
  for (const cell of await cells.all()) {
    await expect(cell.getByTestId('cell-edge')).toHaveCount(8);
    await expect(cell.getByTestId('edge-label')).toHaveCount(8);
    await expect(cell.getByTestId('edge-label').first()).toHaveText(/^[a-z_0-9]+$/);
  }
  await expect(page.getByTestId('form-python')).toContainText("Genotype(normal=[('sep_conv_3x3', 0)");
  await expect(page.getByTestId('form-json')).toContainText('"space":"darts"');
  await expect(page.getByTestId('skip-count').first()).toHaveText('2 of 8 edges');
  await page.screenshot({ path: testInfo.outputPath('genotype-view.png'), fullPage: true });

  await page.getByTestId('genotype-input').fill('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|');
  await page.getByTestId('read-genotype').click();
  await expect(cells).toHaveCount(1);
  await expect(cells.getByTestId('cell-edge')).toHaveCount(6);
  await expect(page.getByTestId('eval-params')).toHaveCount(0);
});

test('an S2 space built in the editor runs a tiny DARTS search to completion with an alphas heatmap', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'Search spaces' }).click();
  await page.getByTestId('preset-S2').click();
  await page.locator('[data-field=layers]').fill('2');
  await page.locator('[data-field=channels]').fill('4');
  await expect(page.getByTestId('space-valid')).toBeVisible();
  await expect(page.getByTestId('reduction-cells')).toContainText('0, 1');
  await page.screenshot({ path: testInfo.outputPath('space-editor.png'), fullPage: true });
  await page.getByTestId('start-in-space').click();

  await expect(page.getByTestId('carried-space')).toContainText('skip_connect, sep_conv_3x3');
  const tiny = { epochs: '2', batchSize: '8', batchesPerEpoch: '2', validBatches: '1', 'dataset.trainLimit': '64', 'dataset.testLimit': '32' };
  for (const [path, value] of Object.entries(tiny)) await page.locator(`[data-field="${path}"]`).fill(value);
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const runId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });

  const run = (await workbench.call('runs.get', { id: runId })).run;
  expect((run.config as { space: { edgeOps: { normal: string[][] } } }).space.edgeOps.normal[0]).toEqual(['skip_connect', 'sep_conv_3x3']);
  const heatmaps = page.getByTestId('alpha-heatmap');
  await expect(heatmaps).toHaveCount(2);
  // 14 edges × 2 ops per cell, as the chart reports after rendering.
  for (const h of await heatmaps.all()) await expect(h).toHaveAttribute('data-points', '28');
  await expect(page.getByTestId('alphas-epoch')).toHaveText('2');
  await page.getByTestId('alphas-slider').fill('0');
  await expect(page.getByTestId('alphas-epoch')).toHaveText('1');
  await expect(page.getByTestId('genotype').getByTestId('cell-diagram')).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath('dashboard-darts-s2.png'), fullPage: true });
});

test('a tiny REA run lists its evaluations, and runs picked in the runs table are compared', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  await page.getByTestId('algorithm').selectOption('rea');
  await page.locator('[data-field=budget]').fill('20');
  await page.locator('[data-field=populationSize]').fill('10');
  await page.locator('[data-field=sampleSize]').fill('3');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  const runId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
  await expect(page.getByTestId('evaluation-row')).toHaveCount(20);
  await expect(page.getByTestId('evaluations-chart')).toHaveAttribute('data-points', '40');
  const stored = await workbench.call('runs.artifacts', { id: runId, kind: 'evaluation' });
  await expect(page.getByTestId('evaluation-row').first()).toContainText((stored[0].data as { arch: string }).arch);
  await page.screenshot({ path: testInfo.outputPath('dashboard-rea.png'), fullPage: true });

  const other = await workbench.call('runs.start', { config: { algorithm: 'random', budget: 20, seed: 3 } });
  await expect.poll(async () => (await workbench.call('runs.get', { id: other.id })).run.status).toBe('completed');
  await page.locator('header').getByRole('link', { name: 'Experiments' }).click();
  for (const id of [runId, other.id]) await page.locator(`tr[data-run-id="${id}"] [data-testid=compare-check]`).check();
  await page.getByTestId('compare-selected').click();
  await expect(page.getByTestId('compare-key')).toHaveValue('search.best_val');
  const series = await Promise.all([runId, other.id].map((id) => workbench.call('metrics.query', { runId: id, keys: ['search.best_val'] })));
  const points = series.reduce((n, s) => n + s[0].steps.length, 0);
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-points', String(points));
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath('compare.png'), fullPage: true });
});
