import { PRESETS } from '../../src-shared/model/presets';
import { expect, test } from './fixtures';
import { runIdFromUrl } from './helpers';

/**
 * The evaluation stage as a user meets it: a finished search offers "Train this cell"; the
 * evaluation run it starts shows its charts and final test accuracy, links back to the search, and
 * the search's page lists it with that accuracy.
 */
test('Train this cell on a finished search trains it and reports its test accuracy', async ({ page, workbench }, testInfo) => {
  test.setTimeout(240_000);
  const search = await workbench.call('runs.start', { name: 'quick search', config: { ...PRESETS.quick, epochs: 2 } as never });
  await page.goto(`${workbench.url}#/runs/${search.id}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });

  const panel = page.getByTestId('train-cell');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('cell-evaluations')).toContainText('not been trained yet');
  await expect(page.getByTestId('train-cell-preset')).toHaveValue('tiny');
  await page.getByTestId('train-cell-start').click();

  // The button opens the new run's dashboard (the URL is the search's until then).
  await expect.poll(() => runIdFromUrl(page)).not.toBe(search.id);
  const evaluationId = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });
  const top1 = page.getByTestId('evaluation-top1');
  await expect(top1).toHaveText(/^\d+\.\d\d %$/);
  await expect(page.getByTestId('evaluation-params')).toHaveText(/^[\d,]+ \(\d+\.\d+ [KM]\)$/);
  await expect(page.locator('[data-testid=metric-chart]').first()).toBeVisible();
  await expect(page.getByTestId('cell-diagram')).toHaveCount(2);
  // What the network predicts: the confusion matrix and the first 24 test images with their labels.
  // Drawn: ten classes, 100 cells (useEChart writes the points it holds after each render).
  await expect(page.getByTestId('confusion-matrix')).toHaveAttribute('data-points', '100');
  await expect(page.getByTestId('prediction')).toHaveCount(24);
  const [predictions] = await workbench.call('runs.artifacts', { id: evaluationId, kind: 'evaluation.predictions' });
  const wrong = (predictions.data as { samples: { label: number; predicted: number }[] }).samples.filter((p) => p.label !== p.predicted).length;
  await expect(page.locator('[data-testid=prediction][data-wrong=true]')).toHaveCount(wrong);
  await page.screenshot({ path: testInfo.outputPath('evaluation.png'), fullPage: true });

  // The figure on the page is the stored report's.
  const [report] = await workbench.call('runs.artifacts', { id: evaluationId, kind: 'evaluation.report' });
  const stored = (report.data as { top1: number }).top1;
  await expect(top1).toHaveText(`${(100 * stored).toFixed(2)} %`);
  const keys = (await workbench.call('runs.get', { id: evaluationId })).metricKeys;
  expect(keys).toEqual(expect.arrayContaining(['train.loss', 'train.acc', 'test.loss', 'test.acc', 'lr', 'drop_path_prob']));

  // Back on the search: the evaluation is listed with its accuracy.
  await page.getByRole('link', { name: `run #${search.id}` }).click();
  await expect(page.getByTestId('cell-evaluation-top1')).toHaveText(`${(100 * stored).toFixed(2)} %`);
  await page.screenshot({ path: testInfo.outputPath('search-with-evaluation.png'), fullPage: true });
});
