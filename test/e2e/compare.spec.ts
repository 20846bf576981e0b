import { join } from 'node:path';
import { STORE_FILE } from '../../src-main/host/paths';
import { newOwnerId, openStore } from '../../src-main/store';
import { RunConfig } from '../../src-shared/model/run-config';
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

test('compare among many runs asks the store for the compared runs only; the picker pages and searches', async ({ page, workbench }, testInfo) => {
  // 120 finished runs written into the server's store file (shared by processes, docs/store.md), each with a short valid.acc curve.
  const store = openStore(join(workbench.dataDir, STORE_FILE));
  const lease = { owner: newOwnerId(), ttlMs: 60_000 };
  const ids: number[] = [];
  try {
    const e = store.experiments.create({ name: 'Many' }).id;
    for (let i = 0; i < 120; i++) {
      const config = RunConfig.parse({ algorithm: 'train', seed: i, steps: 10, evalEvery: 5 });
      const run = store.runs.create({ experimentId: e, name: i === 7 ? 'needle probe' : `sweep ${i}`, algorithm: 'train', config, seed: i }, lease);
      store.runs.markStarted(run.id, 'wasm');
      store.metrics.append(run.id, [5, 10].map((step) => ({ key: 'valid.acc', step, epoch: 0, value: 50 + i / 10 + step })));
      store.runs.markFinished(run.id, 'completed', undefined, lease.owner);
      ids.push(run.id);
    }
  } finally {
    store.close();
  }
  const compared = [ids[3], ids[110]];

  // Every request the page sends over its WebSocket, by channel.
  const sent: { channel: string; request: Record<string, unknown> }[] = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    const m = JSON.parse(String(payload)) as { channel?: string; request?: Record<string, unknown> };
    if (m.channel) sent.push({ channel: m.channel, request: m.request ?? {} });
  }));
  await page.goto(`${workbench.url}#/compare?runs=${compared.join(',')}&key=valid.acc`);
  const acc = page.locator('[data-testid=compare-chart][data-key="valid.acc"]');
  await expect.poll(() => chartPoints(acc)).toBe(4);
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(2);
  const of = (channel: string) => sent.filter((m) => m.channel === channel);
  expect(of('metrics.query').map((m) => m.request.runId).sort()).toEqual([...compared].sort());
  expect(of('runs.get').map((m) => m.request.id).sort()).toEqual([...compared].sort());
  expect(of('runs.list')).toHaveLength(0);
  // The picker shows one page of the newest runs, not 120 rows; both compared runs are ticked (one off the page, above it).
  const picker = page.getByTestId('compare-picker');
  await expect(picker.getByTestId('page-range')).toHaveText('1–25 of 120 runs');
  await expect(picker.locator('input[type=checkbox]')).toHaveCount(26);
  await expect(picker.locator('input:checked')).toHaveCount(2);
  await picker.getByTestId('page-next').click();
  await expect(picker.getByTestId('page-range')).toHaveText('26–50 of 120 runs');
  // Search is the store's: the one run named "needle" among 120, ticked from the search result.
  await picker.getByTestId('compare-search').fill('needle');
  await expect(picker.getByTestId('page-range')).toHaveText('1–1 of 1 run');
  await picker.locator(`input[data-run-id="${ids[7]}"]`).check();
  await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(3);
  expect(of('metrics.query').map((m) => m.request.runId).sort()).toEqual([...compared, ids[7]].sort());
  await page.screenshot({ path: testInfo.outputPath('compare-many.png'), fullPage: true });
});
