import { test, expect } from './fixtures';
import type { PtOpDecision, PtSelectionArtifact } from '../../src-shared/model/pt-selection';

// A tiny DARTS-space search (2 nodes, 3 cells of 2 channels, 2 epochs of 2 batches): seconds, not minutes.
const TINY = {
  dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 },
  space: { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 2, layers: 3, channels: 2, stemMultiplier: 1 },
  batchSize: 4, epochs: 2, batchesPerEpoch: 2, validBatches: 2, reportEvery: 1, hessianEvery: 0, seed: 3,
};

async function selection(workbench: { call: (c: 'runs.artifacts', r: { id: number; kind: string }) => Promise<{ data: unknown }[]> }, id: number): Promise<PtSelectionArtifact> {
  const stored = await workbench.call('runs.artifacts', { id, kind: 'pt.selection' });
  return stored.at(-1)!.data as PtSelectionArtifact;
}

test('a DARTS-PT run shows its selection edge by edge, with the drops it measured and the kept ops', async ({ page, workbench }, testInfo) => {
  const run = await workbench.call('runs.start', { config: { algorithm: 'darts-pt', ...TINY, projectionInterval: 1 } as never });
  await expect.poll(async () => (await workbench.call('runs.get', { id: run.id })).run.status, { timeout: 180_000 }).toBe('completed');
  await page.goto(`${workbench.url}#/runs/${run.id}`);
  await expect(page.getByTestId('pt-selection')).toBeVisible();
  const stored = await selection(workbench, run.id);
  expect(stored.done).toBe(true);
  for (const cell of ['normal', 'reduce']) {
    const decided = stored.decisions.filter((d): d is PtOpDecision => d.kind === 'op' && d.cell === cell);
    const table = page.getByTestId(`pt-ops-${cell}`);
    await expect(table.locator('tbody tr')).toHaveCount(5);
    await expect(table.getByTestId('pt-kept-op')).toHaveText(decided.map((d) => d.ops[d.chosen]));
    await expect(page.getByTestId(`pt-topology-${cell}`).locator('tbody tr')).toHaveCount(1);
  }
  // The genotype panel shows the projection's cell; a darts-pt run is not itself a PT source.
  await expect(page.getByTestId('select-with-pt')).toHaveCount(0);
  await page.getByTestId('pt-selection').screenshot({ path: testInfo.outputPath('pt-selection.png') });
  await page.screenshot({ path: testInfo.outputPath('dashboard-darts-pt.png'), fullPage: true });
});

test('"Select with PT" on a finished DARTS run starts a linked darts-pt run that projects its supernet', async ({ page, workbench }, testInfo) => {
  const source = await workbench.call('runs.start', { name: 'tiny DARTS', config: { algorithm: 'darts', ...TINY, checkpointEvery: 1 } as never });
  await expect.poll(async () => (await workbench.call('runs.get', { id: source.id })).run.status, { timeout: 180_000 }).toBe('completed');
  await page.goto(`${workbench.url}#/runs/${source.id}`);
  await page.getByTestId('select-with-pt').click();
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${source.id}$`));
  const ptId = Number(/#\/runs\/(\d+)$/.exec(page.url())?.[1]);
  await expect(page.getByTestId('pt-source-link')).toHaveText(`run #${source.id}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 180_000 });
  const pt = (await workbench.call('runs.get', { id: ptId })).run;
  expect(pt.algorithm).toBe('darts-pt');
  expect(pt.experimentId).toBe(source.experimentId);
  const stored = await selection(workbench, ptId);
  expect(stored.decisions.filter((d) => d.kind === 'op')).toHaveLength(10);
  await expect(page.getByTestId('pt-ops-normal').locator('tbody tr')).toHaveCount(5);
  await page.screenshot({ path: testInfo.outputPath('dashboard-select-with-pt.png'), fullPage: true });
});
