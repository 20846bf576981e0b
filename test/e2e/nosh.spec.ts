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

test('Rank-NOSH started from the New-run form with the learning-curve evaluator completes and shows its pyramid', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  await page.getByTestId('algorithm').selectOption('rank-nosh');
  const field = (path: string) => page.locator(`[data-field="${path}"]`);
  await expect(field('evaluator.kind')).toHaveValue('nb201-curves');
  await expect(field('evaluator.channels')).toHaveCount(0);
  await field('evaluator.kind').selectOption('nb201-train');
  await expect(field('evaluator.epochs')).toHaveValue('1');
  await field('evaluator.kind').selectOption('nb201-curves');
  await field('budget').fill('400');
  await field('batch').fill('5');
  await page.screenshot({ path: testInfo.outputPath('new-run-rank-nosh.png'), fullPage: true });
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+$/);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
  await expect(page.getByTestId('nosh-pyramid')).toBeVisible();
  // One row per level up to the highest a cell reached (levels 12, 25, 50, 100, 200 epochs above level 0).
  const runId = Number(/#\/runs\/(\d+)$/.exec(page.url())?.[1]);
  const stored = await workbench.call('runs.artifacts', { id: runId, kind: 'nosh.level' });
  const top = Math.max(...stored.map((r) => (r.data as { level: number }).level));
  await expect(page.getByTestId('nosh-pyramid-levels').locator('.level')).toHaveCount(top + 1);
  await expect(page.getByTestId('nosh-pyramid-levels').locator('.level').first()).toContainText(`L${top} · ${[0, 12, 25, 50, 100, 200][top]} ep`);
});
