import type { Page } from '@playwright/test';
import { loadRunConfig } from '../../src-main/cli/run-command';
import { PRESETS } from '../../src-shared/model/presets';
import type { RunConfig } from '../../src-shared/model/run-config';
import { expect, test } from './fixtures';
import { runIdFromUrl } from './helpers';

const field = (page: Page, path: string) => page.locator(`[data-field="${path}"]`);

async function openNewRun(page: Page, url: string, algorithm: string): Promise<void> {
  await page.goto(url);
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  await page.getByTestId('algorithm').selectOption(algorithm);
}

/** Every input of the form by its config path: text as typed, checkboxes as booleans. */
function formValues(page: Page): Promise<Record<string, string | boolean>> {
  // The black-box search space is a form-only choice (not in the config): left out.
  return page.locator('[data-field]:not([data-form-only])').evaluateAll((inputs) =>
    Object.fromEntries(
      inputs.map((el) => {
        const input = el as HTMLInputElement;
        return [input.dataset.field, input.type === 'checkbox' ? input.checked : input.value];
      }),
    ),
  );
}

function readPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

test('a bad value shows the schema\'s message under its field as it is typed, before Start', async ({ page, workbench }, testInfo) => {
  await openNewRun(page, workbench.url, 'darts');
  await field(page, 'learningRateMin').fill('1');
  await expect(page.locator('[data-error-for="learningRateMin"]')).toHaveText('learningRateMin (1) must not exceed learningRate (0.025)');
  await field(page, 'epochs').fill('0');
  await expect(page.locator('[data-error-for="epochs"]')).toHaveText(/Too small: expected number to be >=1/);
  await expect(page.locator('label.invalid')).toHaveCount(2);
  // The Hessian is on by default; switched off, DARTS-ES has no eigenvalue to watch.
  await field(page, 'hessianEvery').fill('0');
  await field(page, 'earlyStop').check();
  await expect(page.locator('[data-error-for="earlyStop"]')).toHaveText(/set hessianEvery to a positive number of epochs/);
  const messages = await page.locator('.field-error').allTextContents();
  expect(messages).toHaveLength(3);
  for (const m of messages) expect(m).not.toMatch(/runs\.start|config\./);
  await page.screenshot({ path: testInfo.outputPath('new-run-live-errors.png'), fullPage: true });
  await field(page, 'hessianEvery').fill('2');
  await field(page, 'epochs').fill('3');
  await field(page, 'learningRateMin').fill('0.001');
  await expect(page.locator('label.invalid')).toHaveCount(0);
  expect(await workbench.call('runs.list', {})).toEqual([]);
});

test('each algorithm\'s presets fill the form with exactly the CLI\'s values, and start what the CLI runs', async ({ page, workbench }, testInfo) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'New run' }).click();
  const algorithms = await page.getByTestId('algorithm').locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
  for (const algorithm of algorithms) {
    await page.getByTestId('algorithm').selectOption(algorithm);
    const names = Object.keys(PRESETS).filter((n) => PRESETS[n].algorithm === algorithm);
    expect(names.length, algorithm).toBeGreaterThan(0);
    await expect(page.getByTestId('preset').locator('option')).toHaveCount(names.length + 1);
    for (const name of names) {
      await page.getByTestId('preset').selectOption(name);
      const cli = loadRunConfig({ preset: name, json: false }, PRESETS);
      const shown = await formValues(page);
      for (const [path, value] of Object.entries(shown)) {
        const expected = readPath(cli, path);
        if (typeof value === 'boolean') expect(value, `${name} ${path}`).toBe(path === 'earlyStop' ? expected !== undefined : Boolean(expected));
        else expect(value, `${name} ${path}`).toBe(expected === undefined ? '' : String(expected));
      }
    }
  }
  // The case, end to end: the UI's quick sends the CLI's reportEvery 2 and hessianIters 3.
  await page.getByTestId('algorithm').selectOption('darts');
  await page.getByTestId('preset').selectOption('quick');
  await expect(field(page, 'reportEvery')).toHaveValue('2');
  await expect(field(page, 'hessianIters')).toHaveValue('3');
  await page.screenshot({ path: testInfo.outputPath('new-run-quick-preset.png'), fullPage: true });
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+/);
  const id = runIdFromUrl(page);
  const { run } = await workbench.call('runs.get', { id });
  await workbench.call('runs.stop', { id });
  expect(run.config).toEqual(loadRunConfig({ preset: 'quick', json: false }, PRESETS));
});

test('Clone (?from=<runId>) fills the form with the run\'s config and name, and starts the same config', async ({ page, workbench }, testInfo) => {
  const config = { ...PRESETS['rea-nb201'], seed: 3, budget: 12, populationSize: 4, sampleSize: 2 } as RunConfig;
  const original = await workbench.call('runs.start', { name: 'rea small', config });
  await page.goto(`${workbench.url}#/runs/new?from=${original.id}`);
  await expect(page.getByTestId('run-name')).toHaveValue('copy of rea small');
  await expect(page.getByTestId('algorithm')).toHaveValue('rea');
  await expect(field(page, 'seed')).toHaveValue('3');
  await expect(field(page, 'budget')).toHaveValue('12');
  await expect(field(page, 'populationSize')).toHaveValue('4');
  await expect(page.getByTestId('cloned-from')).toContainText(`run ${original.id}`);
  await page.screenshot({ path: testInfo.outputPath('new-run-clone.png'), fullPage: true });
  await field(page, 'seed').fill('4');
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+/);
  const copy = (await workbench.call('runs.get', { id: runIdFromUrl(page) })).run;
  expect(copy.name).toBe('copy of rea small');
  expect(copy.seed).toBe(4);
  expect(copy.config).toEqual({ ...(original.config as object), seed: 4 });
});

test('a black-box search in the DARTS cell space: the space picks the evaluators, and the run starts with that config', async ({ page, workbench }, testInfo) => {
  await openNewRun(page, workbench.url, 'rea');
  const kinds = () => field(page, 'evaluator.kind').locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
  await expect(field(page, 'cellSpace')).toHaveValue('nb201');
  expect(await kinds()).toEqual(['nb201-tabular', 'nb201-train', 'nb201-supernet']);
  await field(page, 'cellSpace').selectOption('darts');
  await expect(field(page, 'evaluator.kind')).toHaveValue('darts-train');
  expect(await kinds()).toEqual(['darts-train', 'darts-supernet']);
  await expect(field(page, 'evaluator.cellsPerStage')).toHaveCount(0);
  const typed = { budget: '2', populationSize: '2', sampleSize: '1', 'evaluator.space.nodes': '2', 'evaluator.space.layers': '2', 'evaluator.space.channels': '4', 'evaluator.dataset.trainLimit': '64', 'evaluator.batchesPerEpoch': '1', 'evaluator.batchSize': '8' };
  for (const [path, value] of Object.entries(typed)) await field(page, path).fill(value);
  await expect(page.locator('label.invalid')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('new-run-darts-space.png'), fullPage: true });
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/runs\/\d+/);
  const { run } = await workbench.call('runs.get', { id: runIdFromUrl(page) });
  expect(run.algorithm).toBe('rea');
  expect(run.config).toMatchObject({
    budget: 2, populationSize: 2, sampleSize: 1,
    evaluator: { kind: 'darts-train', batchesPerEpoch: 1, batchSize: 8, dataset: { name: 'embedded', trainLimit: 64 }, space: { kind: 'darts', nodes: 2, layers: 2, channels: 4 } },
  });
  expect(run.config).not.toHaveProperty('cellSpace');
  // The engine takes it: the run queries DARTS cell pairs (its first evaluation is stored).
  await expect.poll(async () => (await workbench.call('runs.get', { id: run.id })).run.progressDone, { timeout: 120_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('dashboard-rea-darts-space.png'), fullPage: true });
  await workbench.call('runs.stop', { id: run.id }).catch(() => undefined);
});
