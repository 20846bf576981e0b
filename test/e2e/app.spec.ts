import { test, expect } from './fixtures';

test('without the token the page says so and the API refuses', async ({ page, workbench }, testInfo) => {
  await page.goto(`${workbench.origin}/`);
  const blocked = page.getByTestId('unauthorized');
  await expect(blocked).toContainText('Not authorized');
  await expect(blocked).toContainText('token');
  await expect(page.getByTestId('app-info')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('unauthorized.png') });

  const res = await fetch(`${workbench.origin}/api/app.info`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(401);
  const wrong = await fetch(`${workbench.origin}/api/experiments.list`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } });
  expect(wrong.status).toBe(401);
});

test('experiments are created, renamed and deleted from the UI', async ({ page, workbench }) => {
  await page.goto(workbench.url);
  await page.getByTestId('new-experiment-name').fill('Sweep A');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('experiment-name')).toHaveText('Sweep A');
  await expect(page.getByTestId('experiment-list')).toContainText('Sweep A');

  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByTestId('rename-input').fill('Sweep B');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('experiment-name')).toHaveText('Sweep B');
  expect((await workbench.call('experiments.list', {})).map((e) => e.name)).toContain('Sweep B');

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('experiment-list')).not.toContainText('Sweep B');
  expect((await workbench.call('experiments.list', {})).map((e) => e.name)).not.toContain('Sweep B');
});

test('the search spaces view edits both cell spaces and their operations', async ({ page, workbench }) => {
  await page.goto(workbench.url);
  await page.locator('header').getByRole('link', { name: 'Search spaces' }).click();
  await expect(page.getByTestId('space-ops')).toContainText('sep_conv_3x3');
  await expect(page.getByTestId('edges-per-cell')).toHaveText('14');
  await page.getByTestId('space-kind-nb201').click();
  await expect(page.getByTestId('space-ops')).toContainText('nor_conv_3x3');
  await expect(page.getByTestId('edges-per-cell')).toHaveText('6');
});
