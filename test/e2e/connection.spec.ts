import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from './fixtures';

/**
 * Web mode stopped and restarted under an open page: the page shows the disconnected banner while
 * the server is gone and drops it once the restarted server (same port, same token through
 * NAS_WORKBENCH_TOKEN) answers. The page also loads under the server's CSP without a violation.
 */
const TOKEN = 'e2e-connection-token-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src-main/web/serve.ts', '--data-dir', dataDir, '--port', String(port), '--renderer-dir', 'out/renderer'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NAS_WORKBENCH_TOKEN: TOKEN } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Workbench web mode: ')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`web mode exited (code ${code}) before it listened: ${out}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

test('the disconnected banner shows while the server is gone and goes once it is back', async ({ page }, testInfo) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nas-e2e-conn-'));
  const port = await freePort();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  let server = await startServer(dataDir, port);
  try {
    const response = await page.goto(`http://127.0.0.1:${port}/?token=${TOKEN}`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByTestId('app-info')).toBeVisible();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);

    await stopServer(server);
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Disconnected from the workbench server');
    await page.screenshot({ path: testInfo.outputPath('disconnected.png') });

    server = await startServer(dataDir, port);
    await expect(banner).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('reconnected.png') });
    // The page works again: an experiment created from the UI reaches the restarted server.
    await page.getByTestId('new-experiment-name').fill('After restart');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByTestId('experiment-name')).toHaveText('After restart');
    expect(problems).toEqual([]);
  } finally {
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
