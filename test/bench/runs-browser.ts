/**
 * `npm run bench:runs-browser` (or `npx tsx test/bench/runs-browser.ts [--runs N]`): the experiment
 * browser at 10,000 runs. Seeds a temporary store (runs-browser-seed.ts: 20 `valid.acc` points per
 * run, tags, notes, collapse warnings), starts web mode on it, opens headless Debian Chromium
 * through playwright-core and prints, as medians over rounds:
 *   - first visit: page load (token URL at #/experiments) in a new browser context (empty cache)
 *     until the first page of the runs table shows;
 *   - reopen: the same in the page that loaded it before (the hashed scripts come from the cache);
 *     both also in the page's own clock: from its navigation start until a MutationObserver sees the
 *     table's pager text (no harness in it: the outside figure adds Playwright's navigation, a new
 *     renderer process for the origin, and its polling round trips);
 *   - warm: the header's Experiments link clicked from another view until the table shows;
 *   - sort: a header click until the re-sorted page shows;
 *   - filter + sort: an algorithm filter picked on a sorted table until the filtered page shows;
 *   - search: typing until the matching page shows (includes the 250 ms debounce);
 * plus the DOM nodes of the page and the same queries' times over the HTTP API (the server's share). Goal: under 300 ms each for the table and a sorted/filtered page.
 * Not a test: run it by hand (never in CI, never with the test suite). Figures: docs/performance.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { seedRunsBrowserStore } from './runs-browser-seed';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 10_000;
const ROUNDS = 5;
const URL_LINE = /^Workbench web mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m;

function startWeb(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src-main/web/serve.ts', '--data-dir', dataDir, '--port', '0', '--renderer-dir', 'out/renderer'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = URL_LINE.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.once('exit', (code) => reject(new Error(`web mode exited (code ${code}) before printing its URL: ${out}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** What the page must show: the pager's text ending so, and (when given) this run in the first row. */
interface Shown {
  range: string;
  firstRow?: number;
}

/** Runs in the page, polled every animation frame. */
function shows({ range, firstRow }: Shown): boolean {
  const text = document.querySelector('[data-testid=page-range]')?.textContent ?? '';
  const first = document.querySelector('[data-testid=runs-table] tbody tr')?.getAttribute('data-run-id');
  return text.endsWith(range) && (firstRow === undefined || first === String(firstRow));
}

/**
 * Installed in every page before its scripts: the page's own time (ms since its navigation started)
 * at which the runs table's pager first reads "… of N runs", in `window.__tableShownAt`. A string,
 * not a function: tsx would compile a function with helpers the page does not have.
 */
const TABLE_SHOWN_PROBE = `
  new MutationObserver((_, observer) => {
    const text = document.querySelector('[data-testid=page-range]')?.textContent ?? '';
    if (/ of [0-9,]+ runs$/.test(text)) { window.__tableShownAt = performance.now(); observer.disconnect(); }
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;
const tableShownAt = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { __tableShownAt: number }).__tableShownAt);

/** Wall time of `action` until the page shows `shown`. */
async function timed(page: Page, action: () => Promise<unknown>, shown: Shown): Promise<number> {
  const t0 = performance.now();
  await action();
  await page.waitForFunction(shows, shown, { polling: 'raf', timeout: 30_000 });
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nas-bench-browser-'));
  let child: ChildProcess | undefined;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const t = performance.now();
    seedRunsBrowserStore(join(dataDir, 'workbench.sqlite'), RUNS);
    console.log(`seeded ${RUNS} runs (${RUNS * 20} metric points) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const web = await startWeb(dataDir);
    child = web.child;
    const { origin, searchParams } = new URL(web.url);
    const call = async (channel: string, request: object) => {
      const res = await fetch(`${origin}/api/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${searchParams.get('token')}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      return ((await res.json()) as { data: { rows: { id: number }[]; total: number } }).data;
    };
    const total = `of ${RUNS.toLocaleString('en')} runs`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const firstVisit: number[] = [];
    const cold: number[] = [];
    const firstVisitInPage: number[] = [];
    const coldInPage: number[] = [];
    await page.addInitScript(TABLE_SHOWN_PROBE);
    const warm: number[] = [];
    const sort: number[] = [];
    const filter: number[] = [];
    const search: number[] = [];
    const bestFirst = (await call('runs.query', { sort: 'bestValAcc', direction: 'desc', limit: 1 })).rows[0].id;
    const worstFirst = (await call('runs.query', { sort: 'bestValAcc', direction: 'asc', limit: 1 })).rows[0].id;
    const darts = await call('runs.query', { algorithm: 'darts', sort: 'bestValAcc', direction: 'desc', limit: 1 });
    // One DARTS run's name, searched on the darts-filtered table: the search scans every name, note, tag and config.
    const term = `sweep ${7 * Math.floor(RUNS * 0.06)} (`;
    const searched = await call('runs.query', { algorithm: 'darts', search: term, limit: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      const fresh = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const freshPage = await fresh.newPage();
      await freshPage.addInitScript(TABLE_SHOWN_PROBE);
      firstVisit.push(await timed(freshPage, () => freshPage.goto(`${web.url}#/experiments`), { range: total }));
      firstVisitInPage.push(await tableShownAt(freshPage));
      await fresh.close();
      await page.goto('about:blank');
      cold.push(await timed(page, () => page.goto(`${web.url}#/experiments`), { range: total }));
      coldInPage.push(await tableShownAt(page));
      await page.locator('header').getByRole('link', { name: 'Search spaces' }).click();
      await page.waitForURL(/#\/spaces/);
      warm.push(await timed(page, () => page.locator('header').getByRole('link', { name: 'Experiments' }).click(), { range: total }));
      sort.push(await timed(page, () => page.locator('[data-sort=bestValAcc]').click(), { range: total, firstRow: bestFirst }));
      sort.push(await timed(page, () => page.locator('[data-sort=bestValAcc]').click(), { range: total, firstRow: worstFirst }));
      await page.locator('[data-sort=bestValAcc]').click();
      await page.waitForFunction(shows, { range: total, firstRow: bestFirst }, { polling: 'raf' });
      filter.push(await timed(page, () => page.getByTestId('filter-algorithm').selectOption('darts'), { range: `of ${darts.total.toLocaleString('en')} runs`, firstRow: darts.rows[0].id }));
      search.push(await timed(page, () => page.getByTestId('run-search').fill(term), { range: `of ${searched.total} run${searched.total === 1 ? '' : 's'}`, firstRow: searched.rows[0].id }));
    }
    const nodes = await (async () => {
      await page.goto(`${web.url}#/experiments`);
      await page.waitForFunction(shows, { range: total }, { polling: 'raf' });
      return page.evaluate(() => document.getElementsByTagName('*').length);
    })();
    // The same queries over the HTTP API: the server's share of the times above (query, validation, JSON).
    const api = async (request: object) => {
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        await call('runs.query', request);
        times.push(performance.now() - t0);
      }
      return times;
    };
    const apiDefault = await api({});
    const apiSorted = await api({ sort: 'bestValAcc', direction: 'desc' });
    const apiFiltered = await api({ algorithm: 'darts', sort: 'bestValAcc', direction: 'desc' });
    const apiSearch = await api({ algorithm: 'darts', sort: 'bestValAcc', direction: 'desc', search: term });
    const ms = (xs: number[]) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    console.log(`runs table, first visit (empty cache):   ${ms(firstVisit)}; in the page's clock ${ms(firstVisitInPage)}`);
    console.log(`runs table, page reopened (cached):       ${ms(cold)}; in the page's clock ${ms(coldInPage)}`);
    console.log(`runs table, Experiments link (warm):      ${ms(warm)}`);
    console.log(`sorted page (header click):               ${ms(sort)}`);
    console.log(`filtered + sorted page (algorithm menu):  ${ms(filter)}`);
    console.log(`search page (incl. 250 ms debounce):      ${ms(search)}`);
    console.log(`DOM nodes of the page (50 rows):          ${nodes}`);
    console.log(`API runs.query over HTTP: default ${ms(apiDefault)}; sorted ${ms(apiSorted)}; filtered + sorted ${ms(apiFiltered)}; search ${ms(apiSearch)}`);
  } finally {
    await browser.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
