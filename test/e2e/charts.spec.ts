import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { chart, chartPoints } from './helpers';

/** A plain training run of 1500 steps (one train.loss point per step), small enough to take ~20 s. */
const DENSE_RUN = { algorithm: 'train', steps: 1500, batchSize: 1, channels: 1, evalEvery: 500, seed: 1 } as const;

test('a metric chart zooms into full detail, smooths, goes log and to epoch/wall axes, and exports CSV and PNG', async ({ page, workbench }, testInfo) => {
  const { id: runId } = await workbench.call('runs.start', { config: DENSE_RUN });
  await expect.poll(async () => (await workbench.call('runs.get', { id: runId })).run.status, { timeout: 110_000 }).toBe('completed');
  // When the page asks the store for a metric window (its WebSocket frames).
  const queries: number[] = [];
  page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    if (String(payload).includes('"channel":"metrics.query"')) queries.push(Date.now());
  }));
  await page.goto(`${workbench.url}#/runs/${runId}`);

  const loss = chart(page, 'loss');
  const overview = await workbench.call('metrics.query', { runId, keys: ['train.loss', 'test.loss'], maxPoints: 1000 });
  const overviewPoints = overview.reduce((n, s) => n + s.steps.length, 0);
  expect(overview[0].steps).toHaveLength(1000); // 1500 stored, LTTB to 1000
  await expect.poll(() => chartPoints(loss)).toBe(overviewPoints);
  await expect(loss).toHaveAttribute('data-zoom-state', 'none');

  // Zoom in with the mouse wheel over the plot (ECharts' inside dataZoom), several notches.
  const box = (await loss.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.45);
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -300);
  // The fetch waits for the wheel to settle: wait for a window that stays put.
  const window = async (): Promise<string> => `${await loss.getAttribute('data-zoom-state')} ${await loss.getAttribute('data-zoom-from')}-${await loss.getAttribute('data-zoom-to')}`;
  await expect.poll(async () => {
    const before = await window();
    await page.waitForTimeout(400);
    return before.startsWith('ready') && before === (await window());
  }).toBe(true);
  const from = Number(await loss.getAttribute('data-zoom-from'));
  const to = Number(await loss.getAttribute('data-zoom-to'));
  expect(to - from).toBeGreaterThan(10);
  expect(to - from).toBeLessThan(1000);
  // Full detail: every stored point of the window, not the overview's share of it.
  const full = await workbench.call('metrics.query', { runId, keys: ['train.loss', 'test.loss'], fromStep: from, toStep: to, maxPoints: 100_000 });
  const fullCount = full.reduce((n, s) => n + s.steps.length, 0);
  expect(full[0].steps).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  await expect(loss).toHaveAttribute('data-detail-points', String(fullCount));
  const overviewInWindow = overview.reduce((n, s) => n + s.steps.filter((st) => st >= from && st <= to).length, 0);
  expect(fullCount).toBeGreaterThan(overviewInWindow);
  await expect.poll(() => chartPoints(loss)).toBe(overviewPoints - overviewInWindow + fullCount);
  await page.screenshot({ path: testInfo.outputPath('chart-zoomed.png'), fullPage: true });

  // CSV of the zoomed window: the stored points, value for value.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), loss.locator('xpath=ancestor::figure').getByTestId('chart-csv').click()]);
  expect(csvDownload.suggestedFilename()).toBe(`run-${runId}-loss.csv`);
  const csv = readFileSync((await csvDownload.path())!, 'utf8').trimEnd().split('\n');
  expect(csv[0]).toBe('key,step,epoch,time,value');
  expect(csv).toHaveLength(1 + fullCount);
  const trainRows = csv.slice(1).filter((l) => l.startsWith('train.loss,'));
  expect(trainRows).toHaveLength(full[0].steps.length);
  trainRows.forEach((line, i) => {
    const [, step, epoch, time, value] = line.split(',');
    expect(Number(step)).toBe(full[0].steps[i]);
    expect(Number(epoch)).toBe(full[0].epochs[i]);
    expect(Date.parse(time)).toBe(full[0].times[i]);
    expect(Number(value)).toBe(full[0].values[i]);
  });

  // PNG: a real PNG at twice the chart's size.
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), loss.locator('xpath=ancestor::figure').getByTestId('chart-png').click()]);
  const png = readFileSync((await pngDownload.path())!);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.readUInt32BE(16)).toBe(Math.round(box.width) * 2);
  expect(png.readUInt32BE(20)).toBe(Math.round(box.height) * 2);

  // Pan by dragging: while the button is held nothing is fetched (a window's detail landing mid-drag
  // redraws every series), even across pauses longer than the settle time; on release the window it
  // moved to is fetched once.
  const sentBefore = queries.length;
  const y = box.y + box.height * 0.45;
  await page.mouse.move(box.x + box.width * 0.7, y);
  await page.mouse.down();
  for (let i = 1; i <= 4; i++) {
    await page.mouse.move(box.x + box.width * (0.7 - 0.1 * i), y, { steps: 3 });
    await page.waitForTimeout(400);
  }
  expect(queries.length).toBe(sentBefore);
  await expect(loss).toHaveAttribute('data-zoom-from', String(from));
  await page.mouse.up();
  await expect.poll(async () => `${await loss.getAttribute('data-zoom-state')} ${await loss.getAttribute('data-zoom-from')}`).toMatch(/^ready (\d+)$/);
  await expect(loss).not.toHaveAttribute('data-zoom-from', String(from));
  expect(queries.length).toBe(sentBefore + 1);

  // Smoothing adds a smoothed line per key; log scale and the epoch axis are drawn as asked.
  const card = loss.locator('xpath=ancestor::figure');
  await expect(loss).toHaveAttribute('data-series', '2');
  await card.getByTestId('chart-smoothing').fill('0.9');
  await expect(loss).toHaveAttribute('data-series', '4');
  await card.getByTestId('chart-log').check();
  await expect(loss).toHaveAttribute('data-y-axis', 'log');
  await page.screenshot({ path: testInfo.outputPath('chart-smoothed-log.png'), fullPage: true });
  await card.getByTestId('chart-axis').selectOption('epoch');
  await expect(loss).toHaveAttribute('data-x-axis', 'epoch');
  // A new axis starts zoomed out.
  await expect(loss).toHaveAttribute('data-zoom-state', 'none');
  await expect.poll(() => chartPoints(loss)).toBe(overviewPoints);
  await card.getByTestId('chart-axis').selectOption('wall');
  await expect(loss).toHaveAttribute('data-x-axis', 'wall');
  await expect(card.getByTestId('chart-time-unknown')).toHaveCount(0);
  await expect.poll(() => chartPoints(loss)).toBe(overviewPoints);
  await page.screenshot({ path: testInfo.outputPath('chart-wall-time.png'), fullPage: true });

  // The data table pages through the stored points.
  await card.getByTestId('chart-table').click();
  const rows = card.getByTestId('metric-table-row');
  // It opens on the chart's first key (test.loss sorts first): all its stored points fit one page.
  const testLoss = await workbench.call('metrics.query', { runId, keys: ['test.loss'], maxPoints: 100_000 });
  await expect(card.getByTestId('metric-table-key')).toHaveValue('test.loss');
  await expect(rows).toHaveCount(testLoss[0].steps.length);
  await expect(rows.first().locator('td').first()).toHaveText(String(testLoss[0].steps[0]));
  await card.getByTestId('metric-table-key').selectOption('train.loss');
  const trainSteps = (await workbench.call('metrics.query', { runId, keys: ['train.loss'], maxPoints: 100_000 }))[0].steps;
  await expect(rows).toHaveCount(50);
  await expect(rows.first().locator('td').first()).toHaveText(String(trainSteps[0]));
  await card.getByTestId('metric-table-next').click();
  await expect(card.getByTestId('metric-table-range')).toHaveText(`steps ${trainSteps[50]}–${trainSteps[99]} (50 rows)`);
  await expect(rows.first().locator('td').first()).toHaveText(String(trainSteps[50]));
  await card.getByTestId('metric-table-previous').click();
  await expect(rows.first().locator('td').first()).toHaveText(String(trainSteps[0]));
  await page.screenshot({ path: testInfo.outputPath('chart-table.png'), fullPage: true });
});
