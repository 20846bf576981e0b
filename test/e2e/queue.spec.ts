import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectionFor } from '../../src-main/queue/connection';
import { EVALUATION_QUEUE } from '../../src-main/queue/job';
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from '../unit/queue/processes';
import { guardConsole } from './console-guard';
import { expect, test } from './fixtures';
import { runIdFromUrl } from './helpers';

/**
 * The distributed queue seen from the UI (docs/queue.md "In the UI"): Debian's redis-server with a
 * password on a free port, web mode on a temp data dir, and two `worker` processes of the real CLI.
 * A queued REA on the NAS-Bench-201 lookup is started from New run before any worker exists, so
 * its first job is seen waiting with no worker; the workers then finish the run, the panel lists
 * its jobs done on them and both workers, the evaluations' "Ran on" column names the same worker
 * per query as the queue does, and with Redis gone the panel says so while the column stays.
 */

const BUDGET = 24;
const PASSWORD = 'queue-e2e-secret';

test('a queued REA is seen on its queue live, then where each evaluation ran, also once Redis is gone', async ({ page, workbench }, testInfo) => {
  test.setTimeout(300_000);
  let redis: RedisServer | null = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    // A password on the server, so the URL the panel shows must have it masked.
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', PASSWORD);
    admin.disconnect();
    const url = redis.url.replace('redis://', `redis://:${PASSWORD}@`);
    const masked = redis.url.replace('redis://', 'redis://:***@');

    const problems = await guardConsole(page);
    await page.goto(workbench.url);
    await page.locator('header').getByRole('link', { name: 'New run' }).click();
    await page.getByTestId('algorithm').selectOption('rea');
    await page.locator('[data-field=budget]').fill(String(BUDGET));
    await page.locator('[data-field=populationSize]').fill('8');
    await page.locator('[data-field=sampleSize]').fill('3');
    await page.locator('[data-field=queue]').check();
    await page.locator('[data-field="queue.redis"]').fill(url);
    await page.screenshot({ path: testInfo.outputPath('queue-new-run.png'), fullPage: true });
    await page.getByTestId('start-run').click();
    await expect(page).toHaveURL(/#\/runs\/\d+$/);
    const runId = runIdFromUrl(page);
    const run = (await workbench.call('runs.get', { id: runId })).run;
    expect((run.config as { evaluator: { kind: string } }).evaluator.kind).toBe('nb201-tabular');

    // No worker yet: the run's first job waits on the queue, and the panel says no worker is seen.
    const panel = page.getByTestId('queue-panel');
    await expect(panel.getByTestId('queue-url')).toHaveText(masked);
    await expect(panel.getByTestId('queue-job')).toHaveCount(1, { timeout: 60_000 });
    await expect(panel.getByTestId('queue-job').first()).toHaveAttribute('data-state', 'waiting');
    await expect(panel.getByTestId('queue-job').first()).toContainText(/^1\s*waiting$/);
    await expect(panel.getByTestId('queue-no-workers')).toBeVisible();
    await expect(panel.getByTestId('queue-counts')).toContainText('This run: 1 waiting · 0 active · 0 done (0 retried) · 0 failed');
    await expect(page.getByTestId('run-status')).toHaveText('running');
    await page.screenshot({ path: testInfo.outputPath('queue-waiting-light.png'), fullPage: true });

    // The queue paused while the two workers start, so neither takes the run before the other is up.
    const queue = new Queue(EVALUATION_QUEUE, { connection: connectionFor(url) });
    try {
      await queue.pause();
      workers.push(...(await Promise.all([startWorker(url), startWorker(url)])));
      // Both are seen connected while the run is live (the panel reads every 2 s) and its job still waits.
      await expect(panel.getByTestId('queue-worker')).toHaveCount(2, { timeout: 30_000 });
      await expect(panel.getByTestId('queue-job').first()).toHaveAttribute('data-state', 'waiting');
      await page.screenshot({ path: testInfo.outputPath('queue-workers-light.png'), fullPage: true });
      await queue.resume();
    } finally {
      await queue.close();
    }
    const ids = workers.map((w) => w.id).sort();
    await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });

    // After the run: every job done on one of the two workers, both listed with the jobs they ran.
    await expect(panel.getByTestId('queue-job')).toHaveCount(BUDGET);
    await expect(panel.getByTestId('queue-counts')).toContainText(`This run: 0 waiting · 0 active · ${BUDGET} done (0 retried) · 0 failed`);
    const jobRows = await panel.getByTestId('queue-job').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    const onQueue = new Map(jobRows.map(([query, state]) => [Number(query), /^done on (\S+)$/.exec(state)?.[1]]));
    expect([...onQueue.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: BUDGET }, (_, i) => i + 1));
    for (const worker of onQueue.values()) expect(ids).toContain(worker);
    const workerRows = await panel.getByTestId('queue-worker').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(workerRows.map((r) => r[0])).toEqual(ids);
    for (const [name, connected, , jobs] of workerRows) {
      expect(connected).toBe('yes');
      expect(Number(jobs)).toBe([...onQueue.values()].filter((w) => w === name).length);
    }
    expect(workerRows.reduce((sum, r) => sum + Number(r[3]), 0)).toBe(BUDGET);
    testInfo.annotations.push({ type: 'jobs per worker', description: workerRows.map((r) => `${r[0]}: ${r[3]}`).join(', ') });

    // The stored record agrees with the queue: the "Ran on" of query q is the worker that did job q.
    const ranOn = async () =>
      new Map(
        await page.getByTestId('evaluation-row').evaluateAll((rows) =>
          rows.map((r) => [Number(r.querySelector('td')?.textContent), r.querySelector('[data-testid=evaluation-placement]')?.textContent?.trim()] as const),
        ),
      );
    await expect(page.getByTestId('evaluation-row')).toHaveCount(BUDGET);
    expect(await ranOn()).toEqual(onQueue);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: testInfo.outputPath('queue-done-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: testInfo.outputPath('queue-done-light.png'), fullPage: true });

    // Redis gone: the finished run's panel says it cannot reach the queue; the stored record stays.
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
    await redis.stop();
    redis = null;
    await page.reload();
    await expect(panel.getByTestId('queue-unreachable')).toContainText(`Cannot reach the queue: cannot reach Redis at ${masked}`);
    await expect(panel.getByTestId('queue-unreachable')).toContainText('“Ran on” column of the evaluations below is this run’s stored record');
    await expect(panel.getByTestId('queue-url')).toHaveText(masked);
    await expect(page.getByTestId('evaluation-row')).toHaveCount(BUDGET);
    expect(await ranOn()).toEqual(onQueue);
    await expect(page.locator('.error-notice')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('queue-unreachable.png'), fullPage: true });
    // Polling, the run's end and the unreachable queue: no console error, exception or CSP violation on the way.
    expect(await problems()).toEqual([]);
  } finally {
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
    await redis?.stop();
  }
});
