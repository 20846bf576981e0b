import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../src-main/host/electron-binary';
import { CHANNELS } from '../../src-shared/contract';
import { DESKTOP_CHANNELS } from '../../src-shared/desktop';
import { ROOT } from './fixtures';

// Found without require('electron'), which would try to download the binary.
const binary = findElectronBinary();
test.beforeAll(() => {
  // The list reporter shows a skip as a dash only: say why, once, where CI logs show it.
  if (binary.path === null) console.warn(`electron.spec.ts: the Electron end-to-end tests are SKIPPED: ${binary.reason}`);
});

test('the Electron app opens its window with the header showing backend and data dir', async () => {
  test.skip(binary.path === null, `Electron binary not installed: ${binary.path === null ? binary.reason : ''}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'nas-e2e-electron-'));
  const app = await electron.launch({
    executablePath: binary.path ?? undefined,
    args: [join(ROOT, 'out/main/index.js'), '--data-dir', dataDir, '--no-sandbox'],
    cwd: ROOT,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('data-dir')).toHaveText(dataDir);
    await expect(window.getByTestId('backend')).toContainText(/backend: \w+/);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the Electron window is locked down: app:// origin, no navigation away, no new windows, only the contract on the bridge', async () => {
  test.skip(binary.path === null, `Electron binary not installed: ${binary.path === null ? binary.reason : ''}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'nas-e2e-electron-'));
  const app = await electron.launch({
    executablePath: binary.path ?? undefined,
    args: [join(ROOT, 'out/main/index.js'), '--data-dir', dataDir, '--no-sandbox'],
    cwd: ROOT,
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('data-dir')).toHaveText(dataDir);
    expect(window.url()).toMatch(/^app:\/\/workbench\//);
    const names = await window.evaluate(() => {
      const w = (globalThis as unknown as { workbench: { requests: object; desktop: { requests: object } } }).workbench;
      return { requests: Object.keys(w.requests).sort(), desktop: Object.keys(w.desktop.requests).sort(), keys: Object.keys(w).sort() };
    });
    expect(names).toEqual({ requests: [...CHANNELS].sort(), desktop: [...DESKTOP_CHANNELS].sort(), keys: ['desktop', 'on', 'requests'] });
    // Schemes that open nothing even in the system browser, so the test launches no other program.
    expect(await window.evaluate(() => globalThis.open('file:///etc/passwd') === null)).toBe(true);
    await window.evaluate(() => void (globalThis.location.href = 'file:///etc/passwd'));
    await window.waitForTimeout(500);
    expect(window.url()).toMatch(/^app:\/\/workbench\//);
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
