import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import type { Channel, RequestOf, ResponseOf } from '../../src-shared/contract';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const URL_LINE = /^Workbench web mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m;

export type Workbench = {
  /** The URL the server printed, token included. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  /** A contract call over web mode's HTTP API, for checks made behind the UI's back. */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
};

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within ${timeoutMs} ms.\nstdout: ${out}\nstderr: ${err}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = URL_LINE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited (code ${code}) before printing its URL.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `workbench`: web mode on a fresh temporary data dir, started for the test and stopped after it. */
export const test = base.extend<{ workbench: Workbench }>({
  workbench: async ({}, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nas-e2e-'));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src-main/web/serve.ts', '--data-dir', dataDir, '--port', '0', '--renderer-dir', 'out/renderer'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await waitForUrl(child, 60_000);
      const parsed = new URL(url);
      const token = parsed.searchParams.get('token') ?? '';
      const call = async <C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
        const res = await fetch(`${parsed.origin}/api/${channel}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(request),
        });
        const reply = (await res.json()) as { ok: true; data: ResponseOf<C> } | { ok: false; error: { message: string } };
        if (!reply.ok) throw new Error(`${channel}: ${reply.error.message}`);
        return reply.data;
      };
      await use({ url, origin: parsed.origin, token, dataDir, call });
    } finally {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

export { expect };
