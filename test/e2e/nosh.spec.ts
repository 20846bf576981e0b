import { test, expect } from './fixtures';

test('a Rank-NOSH run on learning curves draws its pyramid on the dashboard', async ({ page, workbench }, testInfo) => {
  // Levels 2, 6, 200 epochs over 600 epochs, 6 new cells per round: a pyramid of a few dozen cells.
  const config = { algorithm: 'rank-nosh', seed: 2, budget: 600, batch: 6, levels: [2, 6, 200], evaluator: { kind: 'nb201-curves', dataset: 'cifar10' }, ranker: { hidden: [8], epochs: 5 } };
  const run = await workbench.call('runs.start', { config: config as never });
  await expect.poll(async () => (await workbench.call('runs.get', { id: run.id })).run.status, { timeout: 60_000 }).toBe('completed');
  await page.goto(`${workbench.url}#/runs/${run.id}`);
  await expect(page.getByTestId('nosh-pyramid')).toBeVisible();

  const stored = await workbench.call('runs.artifacts', { id: run.id, kind: 'nosh.level' });
  const cells = new Set(stored.map((r) => (r.data as { arch: string }).arch));
  const reachedTop = stored.filter((r) => (r.data as { level: number }).level === 3).length;
  const levels = page.getByTestId('nosh-pyramid-levels').locator('.level');
  await expect(levels).toHaveCount(4);
  await expect(levels.first()).toContainText(`L3 · 200 ep`);
  await expect(levels.first()).toContainText(`${reachedTop} reached`);
  await expect(levels.last()).toContainText(`L0 · 0 ep`);
  await expect(levels.last()).toContainText(`${cells.size} reached`);
  // One heatmap square per level a cell reached: every artifact is a point.
  await expect(page.getByTestId('nosh-pyramid-chart')).toHaveAttribute('data-points', String(stored.length));
  await page.getByTestId('nosh-pyramid').screenshot({ path: testInfo.outputPath('nosh-pyramid.png') });
  await page.screenshot({ path: testInfo.outputPath('dashboard-rank-nosh.png'), fullPage: true });
});
