import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../src-main/host/electron-binary';
import { ROOT } from './fixtures';

// Found without require('electron'), which would try to download the binary.
const binary = findElectronBinary();

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
