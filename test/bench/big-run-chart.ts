/**
 * Charts on a big run (issue #16): a temporary store with one completed run of 1,000,000 `train.loss`
 * points (one per step, epoch = step / 1000, written 10 ms apart), served in web mode and opened in
 * headless Chromium (/usr/bin/chromium through playwright-core). Prints
 *  - the time from navigating to the run's dashboard to its loss chart drawn (LTTB overview of 1000 points),
 *  - the time from the last wheel notch of a zoom into ~5 % of the run to the window drawn at full
 *    detail (includes the chart's 120 ms wait for the wheel to settle),
 *  - frame times while dragging the zoomed chart sideways (requestAnimationFrame deltas in the page).
 * Goals: open and zoom < 500 ms each, no frame over 50 ms while panning.
 * Needs `npm run build` first (it serves out/renderer). Run: npx tsx test/bench/big-run-chart.ts,
 * or `npm run bench -- --big-run-chart`. Figures: docs/performance.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openStore } from '../../src-main/store';
import { STORE_FILE } from '../../src-main/host/paths';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const POINTS = 1_000_000;
const BATCH = 20_000;
const URL_LINE = /^Workbench web mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m;

function fillStore(dir: string): number {
  const store = openStore(join(dir, STORE_FILE));
  try {
    const experiment = store.experiments.create({ name: 'big run' });
    // Held by this process while it writes (a run without a live lease reads as interrupted).
    const owner = `${hostname()}:${process.pid}:bench`;
    const run = store.runs.create({ experimentId: experiment.id, name: '1M points', algorithm: 'train', config: { algorithm: 'train' }, seed: 0 }, { owner, ttlMs: 3_600_000 });
    store.runs.markStarted(run.id, 'bench');
    const t0 = Date.UTC(2026, 0, 1);
    for (let start = 0; start < POINTS; start += BATCH) {
      const points = Array.from({ length: BATCH }, (_, i) => {
        const step = start + i;
        // A decaying loss with noise and a rare spike, so LTTB has something to keep.
        const value = 2 * Math.exp(-step / 300_000) + 0.1 * Math.sin(step * 0.37) + (step % 99_991 === 0 ? 1 : 0);
        return { key: 'train.loss', step, epoch: step / 1000, value };
      });
      store.metrics.append(run.id, points, t0 + start * 10);
    }
    store.runs.markFinished(run.id, 'completed', undefined, owner);
    return run.id;
  } finally {
    store.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) throw new Error('out/renderer is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'nas-bench-chart-'));
  const server = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src-main/web/serve.ts', '--data-dir', dir, '--port', '0', '--renderer-dir', 'out/renderer'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    let t = performance.now();
    const runId = fillStore(dir);
    console.log(`machine load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; store of ${POINTS.toLocaleString('en')} points written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = URL_LINE.exec(out);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) => reject(new Error(`web mode exited (${code}) before printing its URL: ${out}`)));
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // tsx compiles the functions handed to page.evaluate with esbuild's __name() helper for named
    // closures; the page has none.
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(url);
    await page.waitForSelector('header');
    // As a user opens a run from the table, not in the page's first milliseconds: the app has loaded
    // the dashboard's code in the background once idle (router.ts, prefetchViews).
    await page.waitForLoadState('networkidle');

    // Open: from the hash change to the loss chart holding its overview.
    const openMs = await page.evaluate(async (id) => {
      const start = performance.now();
      location.hash = `#/runs/${id}`;
      return new Promise<number>((resolve) => {
        const poll = (): void => {
          const el = document.querySelector<HTMLElement>('[data-testid=metric-chart][data-group="loss"]');
          if (el && Number(el.dataset.points) > 0) resolve(performance.now() - start);
          else requestAnimationFrame(poll);
        };
        poll();
      });
    }, runId);
    const chart = page.locator('[data-testid=metric-chart][data-group="loss"]');
    console.log(`open dashboard chart: ${openMs.toFixed(0)} ms (${await chart.getAttribute('data-points')} points drawn)`);

    // Zoom: wheel notches over the plot, timed from the last one to the window's detail drawn.
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.45);
    // Every redraw that changes the zoom window's attributes is timed; the wheel notches come
    // further apart than the chart's settle time, so earlier notches fetch too: the zoom's time is
    // from the last notch to the last window change after it.
    await page.evaluate(() => {
      const w = window as unknown as { lastWheel: number; zoomChanges: number[] };
      w.zoomChanges = [];
      window.addEventListener('wheel', () => (w.lastWheel = performance.now()), { capture: true });
      const el = document.querySelector<HTMLElement>('[data-testid=metric-chart][data-group="loss"]')!;
      new MutationObserver(() => w.zoomChanges.push(performance.now())).observe(el, { attributes: true, attributeFilter: ['data-zoom-from', 'data-zoom-to'] });
    });
    for (let i = 0; i < 14; i++) await page.mouse.wheel(0, -300);
    await page.waitForTimeout(2500);
    const zoom = await page.evaluate(() => {
      const w = window as unknown as { lastWheel: number; zoomChanges: number[] };
      const el = document.querySelector<HTMLElement>('[data-testid=metric-chart][data-group="loss"]')!;
      const after = w.zoomChanges.filter((t) => t > w.lastWheel);
      return { ms: after.length ? after[after.length - 1] - w.lastWheel : Number.NaN, from: el.dataset.zoomFrom!, to: el.dataset.zoomTo!, points: el.dataset.detailPoints! };
    });
    console.log(`zoom into steps ${zoom.from}-${zoom.to}: ${zoom.ms.toFixed(0)} ms to full detail (${zoom.points} points fetched)`);

    // Pan: drag sideways for ~2 s while the page records every frame's delta.
    await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.frames = [];
      w.recording = true;
      let last = performance.now();
      const tick = (now: number): void => {
        w.frames.push(now - last);
        last = now;
        if (w.recording) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const y = box.y + box.height * 0.45;
    await page.mouse.move(box.x + box.width * 0.8, y);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(box.x + box.width * (0.8 - (0.6 * i) / 60), y);
      await page.waitForTimeout(30);
    }
    await page.mouse.up();
    await page.waitForTimeout(600);
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames: number[]; recording: boolean };
      w.recording = false;
      return w.frames.slice(1);
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)];
    console.log(
      `pan: ${frames.length} frames, median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1].toFixed(1)} ms, ${frames.filter((f) => f > 50).length} over 50 ms; window now steps ${await chart.getAttribute('data-zoom-from')}-${await chart.getAttribute('data-zoom-to')}`,
    );
    console.log(`chart_open_ms=${openMs.toFixed(0)}`);
    console.log(`chart_zoom_ms=${zoom.ms.toFixed(0)}`);
    console.log(`chart_pan_max_frame_ms=${sorted[sorted.length - 1].toFixed(1)}`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
