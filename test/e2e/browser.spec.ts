import { join } from 'node:path';
import { newOwnerId, openStore, type Store } from '../../src-main/store';
import { RunConfig } from '../../src-shared/model/run-config';
import { expect, test } from './fixtures';

/**
 * The experiment browser driven as a user: runs are written into the server's own store file from
 * this process (the store is shared by processes, docs/store.md), then the page sorts, filters,
 * searches, renames, tags, notes, deletes, clones, repeats and groups them.
 */

const LEASE = { owner: newOwnerId(), ttlMs: 60_000 };

function seed(store: Store) {
  const e = store.experiments.create({ name: 'Sweep' }).id;
  const finished = (name: string, config: RunConfig) => {
    const run = store.runs.create({ experimentId: e, name, algorithm: config.algorithm, config, seed: config.seed }, LEASE);
    store.runs.markStarted(run.id, 'wasm');
    store.runs.markFinished(run.id, 'completed', undefined, LEASE.owner);
    return run.id;
  };
  // Three seeds of one DARTS config: best val 90, 92, 97 → 93.00 ± sqrt(13) = 3.61 (sample std).
  const darts = [1, 2, 3].map((s) => finished(`darts (seed ${s})`, RunConfig.parse({ algorithm: 'darts', seed: s, epochs: 3 })));
  [90, 92, 97].forEach((best, i) =>
    store.metrics.append(darts[i], [
      { key: 'valid.acc', step: 10, epoch: 1, value: best - 4 },
      { key: 'valid.acc', step: 20, epoch: 2, value: best },
    ]),
  );
  store.metrics.append(darts[2], [{ key: 'warning.collapse', step: 20, epoch: 2, value: 2 }]);
  const train = finished('warm-up probe', RunConfig.parse({ algorithm: 'train', seed: 7, steps: 10, evalEvery: 5 }));
  const doomed = finished('scratch run', RunConfig.parse({ algorithm: 'train', seed: 1, steps: 10, evalEvery: 5 }));
  return { e, darts, train, doomed };
}

test('the experiment browser: sort, filter, search, annotate, delete, clone, repeat, group', async ({ page, workbench }, testInfo) => {
  const store = openStore(join(workbench.dataDir, 'workbench.sqlite'));
  const ids = seed(store);
  store.close();
  const row = (id: number) => page.locator(`[data-testid=runs-table] tr[data-run-id="${id}"]`);
  const rowIds = async () => (await page.locator('[data-testid=runs-table] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-run-id')))));

  await page.goto(workbench.url);
  // The header's Experiments link shows every run, also when clicked from an experiment's page.
  await page.getByRole('link', { name: 'Sweep' }).click();
  await expect(page.getByTestId('experiment-name')).toHaveText('Sweep');
  await page.locator('header').getByRole('link', { name: 'Experiments' }).click();
  await expect(page.getByTestId('all-runs-title')).toHaveText('All runs');
  await expect(page.getByTestId('page-range')).toHaveText('1–5 of 5 runs');
  await expect(row(ids.darts[2]).getByTestId('collapse-warning')).toHaveText('⚠ epoch 2');
  await page.screenshot({ path: testInfo.outputPath('browser-all.png'), fullPage: true });

  // Sort: best validation accuracy, best first, then ascending; runs without one stay last.
  await page.locator('[data-sort=bestValAcc]').click();
  await expect.poll(rowIds).toEqual([ids.darts[2], ids.darts[1], ids.darts[0], ids.doomed, ids.train]);
  await page.locator('[data-sort=bestValAcc]').click();
  await expect.poll(rowIds).toEqual([ids.darts[0], ids.darts[1], ids.darts[2], ids.doomed, ids.train]);
  await expect(page).toHaveURL(/sort=bestValAcc&dir=asc/);

  // Filter by algorithm; search (debounced) by name.
  await page.getByTestId('filter-algorithm').selectOption('train');
  await expect.poll(rowIds).toEqual([ids.doomed, ids.train]);
  await page.getByTestId('run-search').fill('warm-UP');
  await expect.poll(rowIds).toEqual([ids.train]);
  await page.getByTestId('clear-filters').click();
  await expect.poll(rowIds).toHaveLength(5);

  // Rename, tag and note a run.
  await row(ids.train).getByTestId('run-actions').click();
  const panel = page.getByTestId('run-actions-panel');
  await panel.getByTestId('run-rename').fill('LR warm-up probe');
  await panel.getByTestId('run-tags-input').fill('keeper, lr');
  await panel.getByTestId('run-notes').fill('Loss spiked at step 4; try a longer warm-up.');
  await panel.getByTestId('save-run').click();
  await expect(panel.getByTestId('action-done')).toHaveText('Saved.');
  await expect(row(ids.train).getByTestId('run-name')).toHaveText('LR warm-up probe');
  await expect(row(ids.train).getByTestId('run-tags')).toHaveText('keeper, lr');
  await expect(row(ids.train).getByTestId('run-notes-mark')).toHaveAttribute('title', 'Loss spiked at step 4; try a longer warm-up.');
  // The note is searchable, the tag filterable.
  await page.getByTestId('run-search').fill('longer warm');
  await expect.poll(rowIds).toEqual([ids.train]);
  await page.getByTestId('clear-filters').click();
  await page.getByTestId('filter-tag').selectOption('keeper');
  await expect.poll(rowIds).toEqual([ids.train]);
  await page.screenshot({ path: testInfo.outputPath('browser-annotated.png'), fullPage: true });
  await page.getByTestId('clear-filters').click();

  // Delete asks first; "Keep it" keeps it, "Delete" deletes it.
  await row(ids.doomed).getByTestId('run-actions').click();
  await panel.getByTestId('delete-run').click();
  await expect(panel).toContainText('This cannot be undone');
  await page.screenshot({ path: testInfo.outputPath('browser-delete-confirm.png'), fullPage: true });
  await panel.getByTestId('cancel-delete').click();
  await expect(row(ids.doomed)).toHaveCount(1);
  await panel.getByTestId('delete-run').click();
  await panel.getByTestId('confirm-delete').click();
  await expect(row(ids.doomed)).toHaveCount(0);
  await expect(page.getByTestId('page-range')).toHaveText('1–4 of 4 runs');
  await expect(workbench.call('runs.get', { id: ids.doomed })).rejects.toThrow(/does not exist/);

  // Repeat with 2 seeds starts two copies of the config with seeds 8 and 9.
  await row(ids.train).getByTestId('run-actions').click();
  await panel.getByTestId('repeat-count').fill('2');
  await panel.getByTestId('repeat-run').click();
  await expect(panel.getByTestId('action-done')).toHaveText(/Started 2 run\(s\): seeds 8, 9\./);
  const all = await workbench.call('runs.list', {});
  const seeded = new Set([...ids.darts, ids.train]);
  const copies = all.filter((r) => !seeded.has(r.id));
  expect(copies.map((r) => r.seed).sort()).toEqual([8, 9]);
  const original = all.find((r) => r.id === ids.train)!;
  for (const c of copies) expect(c.config).toEqual({ ...(original.config as object), seed: c.seed });
  await expect(page.getByTestId('page-range')).toHaveText('1–6 of 6 runs');
  // Or chosen seeds.
  await panel.getByTestId('repeat-seeds').fill('42');
  await panel.getByTestId('repeat-run').click();
  await expect(panel.getByTestId('action-done')).toHaveText('Started 1 run(s): seeds 42.');
  await expect(page.getByTestId('page-range')).toHaveText('1–7 of 7 runs');

  // Group by config: the three DARTS seeds are one row with mean ± sample std.
  await page.getByTestId('view-groups').click();
  const dartsGroup = page.getByTestId('group-row').filter({ hasText: 'darts' });
  await expect(dartsGroup.getByTestId('group-seeds')).toHaveText('1, 2, 3');
  await expect(dartsGroup.getByTestId('group-val')).toHaveText(`93.00 ± ${Math.sqrt(13).toFixed(2)} (n=3)`);
  await expect(page.getByTestId('group-row').filter({ hasText: 'warm-up' }).getByTestId('group-seeds')).toHaveText('7, 8, 9, 42');
  await page.screenshot({ path: testInfo.outputPath('browser-groups.png'), fullPage: true });
  await page.getByTestId('view-runs').click();

  // Clone opens the New-run form with from=<run id>.
  await row(ids.darts[0]).getByTestId('run-actions').click();
  await panel.getByTestId('clone-run').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/new\\?from=${ids.darts[0]}$`));
});

test('empty states say what to do', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await expect(page.getByTestId('no-runs')).toContainText('Start one with “New run”');
  const run = await workbench.call('runs.start', { config: { algorithm: 'train', steps: 5, evalEvery: 5 } });
  await expect(page.locator(`[data-testid=runs-table] tr[data-run-id="${run.id}"]`)).toHaveCount(1); // live: no reload
  await page.getByTestId('run-search').fill('no such run anywhere');
  await expect(page.getByTestId('no-matches')).toContainText('No runs match these filters');
  await page.screenshot({ path: testInfo.outputPath('browser-no-matches.png'), fullPage: true });
});
