import { test, expect } from './fixtures';
import { chartPoints } from './helpers';

/** A tiny DARTS search (2 epochs of 2 batches of 8): a few seconds of training, a genotype per epoch. */
const TINY = {
  space: { kind: 'darts', nodes: 2, layers: 2, channels: 4, stemMultiplier: 3 },
  epochs: 2, batchSize: 8, batchesPerEpoch: 2, validBatches: 1,
  dataset: { trainLimit: 64, testLimit: 32 },
} as const;
const DARTS = { algorithm: 'darts', ...TINY } as const;
/** PVLL-NAS in the same space: it counts epochs as finished iterations, so its x axis needs aligning. */
const PVLL = { algorithm: 'pvll', ...TINY, warmupSize: 2, warmupBatches: 1, landscapeFitSteps: 5, seed: 1 } as const;

test('two seeds of a DARTS config and a PVLL run: seed band on an epoch axis, config and genotype diffs, parallel coordinates, live updates', async ({ page, workbench }, testInfo) => {
  // Three searches and a live run on a shared 2-core machine.
  test.setTimeout(400_000);
  const ids = [];
  for (const config of [{ ...DARTS, seed: 1 }, { ...DARTS, seed: 2 }, PVLL]) ids.push((await workbench.call('runs.start', { config })).id);
  for (const id of ids) await expect.poll(async () => (await workbench.call('runs.get', { id })).run.status, { timeout: 150_000 }).toBe('completed');

  await page.goto(`${workbench.url}#/compare?runs=${ids.join(',')}&key=valid.acc`);
  await expect(page.getByTestId('compare-key')).toHaveValue('valid.acc');
  await expect(page.getByTestId('compare-axis')).toHaveValue('epoch');
  const acc = page.locator('[data-testid=compare-chart][data-key="valid.acc"]');
  const stored = await Promise.all(ids.map((runId) => workbench.call('metrics.query', { runId, keys: ['valid.acc'] })));
  await expect.poll(() => chartPoints(acc)).toBe(stored.reduce((n, s) => n + s[0].steps.length, 0));
  // The two DARTS seeds form one group, drawn as a band; the PVLL run stays a line.
  await expect(page.getByTestId('compare-groups')).toContainText(`#${ids[0]} + #${ids[1]}`);
  await expect(acc).toHaveAttribute('data-bands', '1');
  // Epoch-aligned: every run's valid.acc sits at epochs 1 and 2 although PVLL's steps are not DARTS's.
  for (const s of stored) expect(s[0].epochs).toEqual([1, 2]);
  expect(stored[2][0].steps).not.toEqual(stored[0][0].steps);

  // Small multiples: a second metric gets its own chart.
  await page.locator('.more-metrics summary').click();
  await page.locator('[data-testid=compare-metric][data-metric="train.loss"]').check();
  const loss = page.locator('[data-testid=compare-chart][data-key="train.loss"]');
  await expect(loss).toBeVisible();
  await expect.poll(() => chartPoints(loss)).toBeGreaterThan(0);

  // Config diff: algorithm, PVLL's own settings and the seed differ; the shared space does not.
  const diff = page.getByTestId('config-diff');
  await expect(diff.locator('tr[data-path="seed"] td')).toHaveText(['seed', '1', '2', '1']);
  await expect(diff.locator('tr[data-path="algorithm"] td')).toHaveText(['algorithm', '"darts"', '"darts"', '"pvll"']);
  await expect(diff.locator('tr[data-path="warmupSize"] td')).toHaveText(['warmupSize', '—', '—', '2']);
  await expect(diff.locator('tr[data-path="epochs"]')).toHaveCount(0);
  await expect(diff.locator('tr[data-path="space.layers"]')).toHaveCount(0);

  // Genotype diff: each shown op is what that run's final genotype has; the row's ops are not all equal.
  const genotypes = await Promise.all(ids.map(async (id) => (await workbench.call('runs.get', { id })).genotype!.genotype));
  const gDiff = page.getByTestId('genotype-diff').or(page.getByTestId('genotype-diff-none'));
  await expect(gDiff).toBeVisible();
  const rows = page.getByTestId('genotype-diff').locator('tbody tr');
  for (const row of await rows.all()) {
    const cells = await row.locator('td').allTextContents();
    const ops = cells.slice(1);
    expect(new Set(ops).size).toBeGreaterThan(1);
    ops.forEach((op, i) => {
      const g = genotypes[i];
      if (op !== '—' && g.space === 'darts') expect([...g.normal, ...g.reduce].map(([o]) => o)).toContain(op);
    });
  }
  const sameCells = genotypes.every((g) => JSON.stringify(g) === JSON.stringify(genotypes[0]));
  await expect(page.getByTestId(sameCells ? 'genotype-diff-none' : 'genotype-diff')).toBeVisible();

  // Parallel coordinates: one axis per differing setting plus the best valid.acc.
  const diffRows = await diff.locator('tbody tr').count();
  await expect(page.getByTestId('parallel-chart')).toHaveAttribute('data-axes', String(Math.min(diffRows, 10) + 1));
  await page.screenshot({ path: testInfo.outputPath('compare-seeds.png'), fullPage: true });

  // Live: a long train run added to the comparison grows its line as it reports.
  const live = await workbench.call('runs.start', { config: { algorithm: 'train', steps: 100_000, batchSize: 1, channels: 1, evalEvery: 1000, seed: 5 } });
  await page.reload();
  await page.locator(`[data-testid=compare-picker] input[data-run-id="${live.id}"]`).check();
  await expect(page.getByTestId('compare-axis')).toHaveValue('epoch');
  await expect.poll(() => chartPoints(loss)).toBeGreaterThan(0);
  const before = await chartPoints(loss);
  await expect.poll(() => chartPoints(loss), { message: 'run.metrics events reach the compare chart' }).toBeGreaterThan(before + 20);
  await page.screenshot({ path: testInfo.outputPath('compare-live.png'), fullPage: true });
  await workbench.call('runs.stop', { id: live.id });
});
