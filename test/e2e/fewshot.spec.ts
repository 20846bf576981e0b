import { test, expect } from './fixtures';

test('a few-shot NAS run draws its sub-supernets on the dashboard: a line each, and the bars of their last accuracy with the answer marked', async ({ page, workbench }, testInfo) => {
  // 16 embedded images train the weights: two steps per epoch; a warm-up epoch, then 3 sub-supernets of one.
  const config = {
    algorithm: 'fewshot', seed: 1, dataset: { name: 'embedded', trainLimit: 32 }, batchSize: 8, warmupEpochs: 1, epochs: 1, validBatches: 2, reportEvery: 1, hessianEvery: 0,
    space: { kind: 'darts', ops: ['max_pool_3x3', 'skip_connect', 'dil_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 },
  };
  const run = await workbench.call('runs.start', { config: config as never });
  await expect.poll(async () => (await workbench.call('runs.get', { id: run.id })).run.status, { timeout: 120_000 }).toBe('completed');
  const detail = await workbench.call('runs.get', { id: run.id });
  const answer = detail.genotype?.genotype as { normal: [string, number][] };
  // The one node's split edge (input 0) holds the winning sub-supernet's op.
  const winner = answer.normal.find(([, input]) => input === 0)?.[0];

  await page.goto(`${workbench.url}#/runs/${run.id}`);
  const bars = page.getByTestId('fewshot-bars');
  await expect(bars).toHaveAttribute('data-bars', '3');
  await expect(bars).toHaveAttribute('data-points', '3');
  await expect(bars).toHaveAttribute('data-best', winner ?? 'none');
  const lines = page.locator('[data-testid="metric-chart"][data-group="fewshot.valid.acc"]');
  await expect(lines).toHaveAttribute('data-points', '3'); // one validation per sub-supernet
  await bars.locator('xpath=..').screenshot({ path: testInfo.outputPath('fewshot-bars.png') });
  await page.screenshot({ path: testInfo.outputPath('dashboard-fewshot.png'), fullPage: true });
});
