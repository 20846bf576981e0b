import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../../src-shared/contract';
import { createHost, type Host } from '../../../src-main/host/host';
import { STORE_FILE } from '../../../src-main/host/paths';
import type { Run } from '../../../src-shared/model/records';
import { until } from './fake-engine';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
// The owner runs under node itself (tsx as a loader, not tsx's CLI, which would be a parent process
// in between): SIGKILL then kills the very process that holds the lease.
const tsxLoader = pathToFileURL(require.resolve('tsx/esm')).href;
const fingerprint = (file: string) => ({ sha: createHash('sha256').update(readFileSync(file)).digest('hex'), mtime: statSync(file).mtimeMs });

/** Two real processes on one real SQLite file: a run in one is live in the other, and a killed owner is seen at once. */
describe('two processes on one data dir', () => {
  let dir: string;
  let child: ChildProcess;
  let lines: string[];
  let host: Host | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-two-'));
    lines = [];
  });
  afterEach(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await host?.close();
    host = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  function startOwner(renewMs: number): void {
    child = spawn(process.execPath, ['--import', tsxLoader, 'test/unit/host/fixtures/hold-run.ts', dir, String(renewMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  }
  const runIdOf = (): number => Number(lines.find((l) => l.startsWith('run '))!.split(' ')[1]);

  it("shows the other process's run live (status, metrics, logs), then interrupted the moment it is killed", async () => {
    startOwner(100);
    await until(() => lines.some((l) => l.startsWith('run ')), 20_000, 'the other process to start its run');
    const id = runIdOf();
    host = createHost({ dataDir: dir, mode: 'web', resourcesDir: dir, watchIntervalMs: 50, launcher: () => { throw new Error('no engine here'); } });
    const events: Array<{ event: EventName; payload: unknown }> = [];
    host.bus.subscribe((event, payload) => events.push({ event, payload }));
    expect(host.store.runs.get(id)).toMatchObject({ status: 'running', backend: 'cpu' });

    for (let i = 0; i < 3; i++) child.stdin!.write('tick\n');
    await until(() => events.filter((e) => e.event === 'run.metrics').length >= 1 && events.some((e) => e.event === 'run.log' && /step 3/.test(JSON.stringify(e.payload))), 5000, 'the metrics events');
    const points = events.filter((e) => e.event === 'run.metrics').flatMap((e) => (e.payload as { points: Array<{ step: number }> }).points);
    expect(points.map((p) => p.step)).toEqual([1, 2, 3]);
    await until(() => events.some((e) => e.event === 'run.status' && (e.payload as Run).progressDone === 3), 5000, 'the progress event');
    // A resume of a run another live process holds is a conflict.
    const refused = await host.dispatch('runs.resume', { id });
    expect(!refused.ok && refused.error.code).toBe('conflict');

    child.kill('SIGKILL');
    await until(() => child.signalCode !== null, 5000, 'the owner to die');
    const t0 = Date.now();
    await until(() => events.some((e) => e.event === 'run.status' && (e.payload as Run).status === 'interrupted'), 5000, 'the interrupted status');
    // Seen from its pid at once (the lease itself lasts 30 s).
    expect(Date.now() - t0).toBeLessThan(2000);
    const run = host.store.runs.get(id)!;
    expect(run.status).toBe('interrupted');
    expect(Date.parse(run.lastSeenAt!)).toBeLessThanOrEqual(t0);
    expect(host.store.metrics.query({ runId: id })[0].steps).toEqual([1, 2, 3]);
  });

  it('a read-only CLI command lists a live run of another process and writes nothing to the store', async () => {
    // Renewals every minute: between them the owner writes nothing, so any change would be the reader's.
    startOwner(60_000);
    await until(() => lines.some((l) => l.startsWith('run ')), 20_000, 'the other process to start its run');
    const id = runIdOf();
    const file = join(dir, STORE_FILE);
    const before = { db: fingerprint(file), wal: fingerprint(`${file}-wal`) };
    const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args, '--data-dir', dir], { encoding: 'utf8' });
    const listed = cli(['runs', 'list', '--json']);
    expect(listed.stderr).toBe('');
    expect((JSON.parse(listed.stdout) as Run[]).find((r) => r.id === id)).toMatchObject({ status: 'running', backend: 'cpu' });
    expect(cli(['export', String(id)]).stderr).toMatch(/has no genotype yet/);
    expect({ db: fingerprint(file), wal: fingerprint(`${file}-wal`) }).toEqual(before);

    child.kill('SIGKILL');
    await until(() => child.signalCode !== null, 5000, 'the owner to die');
    const after = cli(['runs', 'list']);
    expect(after.stdout).toMatch(new RegExp(`^\\s+${id}  interrupted .*\\(last seen \\d{4}-`, 'm'));
    expect({ db: fingerprint(file), wal: fingerprint(`${file}-wal`) }).toEqual(before);
  });
});
