import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../src-shared/contract';
import { DESKTOP_CHANNELS, IPC_DESKTOP_REQUEST } from '../../../src-shared/desktop';
import { IPC_REQUEST } from '../../../src-shared/transport';
import { createHost, type Host } from '../../../src-main/host/host';
import type { EngineLauncher } from '../../../src-main/host/engine-launcher';
import { APP_ORIGIN } from '../../../src-main/desktop/app-origin';
import { createDesktopHandlers, type Dialogs } from '../../../src-main/desktop/desktop-handlers';
import { dispatchDesktop, IPC_HANDLED, registerIpc, type IpcSender } from '../../../src-main/desktop/ipc';

const noEngine: EngineLauncher = () => {
  throw new Error('no engine process may start in these tests');
};

const APP_FRAME: IpcSender = { frameUrl: 'app://workbench/index.html#/experiments', isMainFrame: true };

/** ipcMain.handle as a map, so a test can send what a renderer would. */
function fakeIpcMain() {
  const handlers = new Map<string, (sender: IpcSender, args: unknown[]) => Promise<unknown>>();
  return {
    handlers,
    adapter: {
      handle(channel: string, listener: (sender: IpcSender, args: unknown[]) => Promise<unknown>) {
        if (handlers.has(channel)) throw new Error(`${channel} registered twice`);
        handlers.set(channel, listener);
      },
    },
    send: (channel: string, sender: IpcSender, ...args: unknown[]) => handlers.get(channel)!(sender, args),
  };
}

/** Dialogs that answer what the test says and remember what they were asked. */
function scriptedDialogs(answer: string | null): Dialogs & { asked: { title: string; defaultName?: string }[] } {
  const asked: { title: string; defaultName?: string }[] = [];
  return {
    asked,
    async saveFile(opts) {
      asked.push({ title: opts.title, defaultName: opts.defaultName });
      return answer;
    },
    async pickFolder(opts) {
      asked.push({ title: opts.title });
      return answer;
    },
  };
}

describe('IPC registration and the sender check', () => {
  let dir: string;
  let host: Host;
  let calls: string[];
  let ipc: ReturnType<typeof fakeIpcMain>;
  let dialogs: ReturnType<typeof scriptedDialogs>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-desktop-ipc-'));
    host = createHost({ dataDir: join(dir, 'data'), mode: 'electron', launcher: noEngine, resourcesDir: dir, watch: false });
    calls = [];
    ipc = fakeIpcMain();
    dialogs = scriptedDialogs(null);
    const desktop = createDesktopHandlers(host, dialogs);
    registerIpc(ipc.adapter, APP_ORIGIN, {
      dispatch: (c, r) => (calls.push(c), host.dispatch(c, r)),
      desktop: (c, r) => (calls.push(c), dispatchDesktop(desktop, c, r)),
    });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on exactly the request and desktop channels, nothing else', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual([IPC_DESKTOP_REQUEST, IPC_REQUEST].sort());
    expect([...IPC_HANDLED].sort()).toEqual([...ipc.handlers.keys()].sort());
  });

  it('hands every contract channel to the host, which knows each one; an unknown name is refused', async () => {
    for (const channel of CHANNELS) {
      const reply = (await ipc.send(IPC_REQUEST, APP_FRAME, channel, {})) as { ok: boolean; error?: { code: string } };
      expect(reply.ok || reply.error?.code !== 'unknown_channel', channel).toBe(true);
    }
    expect(calls).toEqual(CHANNELS);
    const created = await ipc.send(IPC_REQUEST, APP_FRAME, 'experiments.create', { name: 'through IPC' });
    expect(created).toMatchObject({ ok: true, data: { name: 'through IPC' } });
    expect(host.store.experiments.list().map((e) => e.name)).toContain('through IPC');
    expect(await ipc.send(IPC_REQUEST, APP_FRAME, 'shell.exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await ipc.send(IPC_REQUEST, APP_FRAME, 'desktop.saveFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('hands every desktop channel to its handler; a contract name on the desktop channel is refused', async () => {
    for (const channel of DESKTOP_CHANNELS) {
      const reply = (await ipc.send(IPC_DESKTOP_REQUEST, APP_FRAME, channel, {})) as { ok: boolean; error?: { code: string } };
      expect(reply.ok || reply.error?.code !== 'unknown_channel', channel).toBe(true);
    }
    expect(await ipc.send(IPC_DESKTOP_REQUEST, APP_FRAME, 'runs.delete', { id: 1 })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('refuses a sub-frame, another origin, file: and a frame gone away, before anything is dispatched', async () => {
    const senders: IpcSender[] = [
      { frameUrl: 'app://workbench/index.html', isMainFrame: false },
      { frameUrl: 'https://example.org/', isMainFrame: true },
      { frameUrl: 'file:///home/u/index.html', isMainFrame: true },
      { frameUrl: 'app://workbench.example/index.html', isMainFrame: true },
      { frameUrl: null, isMainFrame: true },
    ];
    for (const sender of senders) {
      for (const [channel, name] of [[IPC_REQUEST, 'experiments.create'], [IPC_DESKTOP_REQUEST, 'desktop.pickFolder']] as const) {
        const reply = await ipc.send(channel, sender, name, { name: 'x', purpose: 'dataset' });
        expect(reply, `${sender.frameUrl} ${name}`).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
    }
    expect(calls).toEqual([]);
    expect(dialogs.asked).toEqual([]);
    expect(host.store.experiments.list()).toEqual([]);
  });
});

describe('the desktop channels', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-desktop-save-'));
    host = createHost({ dataDir: join(dir, 'data'), mode: 'electron', launcher: noEngine, resourcesDir: dir, watch: false });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes text where the user chose, with the kind’s extension suggested', async () => {
    const target = join(dir, 'out', 'cell.json');
    const dialogs = scriptedDialogs(target);
    const reply = await dispatchDesktop(createDesktopHandlers(host, dialogs), 'desktop.saveFile', { kind: 'genotype-json', suggestedName: 'run-3-genotype', text: '{"space":"nb201"} é' });
    expect(reply).toEqual({ ok: true, data: { path: target } });
    expect(readFileSync(target, 'utf8')).toBe('{"space":"nb201"} é');
    expect(dialogs.asked).toEqual([{ title: 'Save genotype', defaultName: 'run-3-genotype.json' }]);
  });

  it('writes base64 content as its bytes (a PNG), and a cancelled dialog writes nothing', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 128]);
    const target = join(dir, 'chart.png');
    const handlers = createDesktopHandlers(host, scriptedDialogs(target));
    await dispatchDesktop(handlers, 'desktop.saveFile', { kind: 'png', suggestedName: 'chart.PNG', base64: Buffer.from(png).toString('base64') });
    expect(new Uint8Array(readFileSync(target))).toEqual(png);
    const cancelled = join(dir, 'never.csv');
    const none = await dispatchDesktop(createDesktopHandlers(host, scriptedDialogs(null)), 'desktop.saveFile', { kind: 'csv', suggestedName: 'm.csv', text: 'a,b' });
    expect(none).toEqual({ ok: true, data: { path: null } });
    expect(existsSync(cancelled)).toBe(false);
  });

  it('refuses a request with a folder in the name, both or neither contents, without asking the user', async () => {
    const dialogs = scriptedDialogs(join(dir, 'x'));
    const handlers = createDesktopHandlers(host, dialogs);
    for (const request of [
      { kind: 'csv', suggestedName: '../../.bashrc', text: 'x' },
      { kind: 'csv', suggestedName: 'a.csv', text: 'x', base64: 'eA==' },
      { kind: 'csv', suggestedName: 'a.csv' },
      { kind: 'exe', suggestedName: 'a.exe', text: 'x' },
      { kind: 'png', suggestedName: 'a.png', base64: 'not base64!' },
      { kind: 'csv', suggestedName: 'a.csv', text: 'x', path: '/etc/passwd' },
    ]) {
      expect(await dispatchDesktop(handlers, 'desktop.saveFile', request), JSON.stringify(request)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(dialogs.asked).toEqual([]);
  });

  it('answers a folder it cannot write with a message saying what to do', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      const reply = await dispatchDesktop(createDesktopHandlers(host, scriptedDialogs(join(locked, 'a.csv'))), 'desktop.saveFile', { kind: 'csv', suggestedName: 'a', text: 'x' });
      // root may write anyway; everyone else gets the error.
      if (process.getuid?.() !== 0) expect(reply).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/could not write .*a\.csv.*pick a folder you can write to/) } });
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('copies an evaluation run’s trained network after checking its SHA-256, and asks nothing for a run without one', async () => {
    const e = host.store.experiments.create({ name: 'e' });
    const plain = host.store.runs.create({ experimentId: e.id, name: 'search', algorithm: 'train', config: { algorithm: 'train' }, seed: 0 });
    const evaluation = host.store.runs.create({ experimentId: e.id, name: 'eval', algorithm: 'evaluation', config: { algorithm: 'evaluation' }, seed: 0 });
    const bytes = Buffer.from('safetensors bytes standing in for a network');
    const file = join(dir, 'weights.safetensors');
    writeFileSync(file, bytes);
    host.store.artifacts.add(evaluation.id, 'evaluation.weights', 10, { file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), format: 'safetensors', names: 1 });

    const dialogs = scriptedDialogs(join(dir, 'copy.safetensors'));
    const handlers = createDesktopHandlers(host, dialogs);
    expect(await dispatchDesktop(handlers, 'desktop.saveWeights', { runId: plain.id })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringMatching(/no trained network/) } });
    expect(await dispatchDesktop(handlers, 'desktop.saveWeights', { runId: 999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(dialogs.asked).toEqual([]);
    expect(await dispatchDesktop(handlers, 'desktop.saveWeights', { runId: evaluation.id })).toEqual({ ok: true, data: { path: join(dir, 'copy.safetensors') } });
    expect(readFileSync(join(dir, 'copy.safetensors'))).toEqual(bytes);
    expect(dialogs.asked).toEqual([{ title: 'Save trained network', defaultName: `run-${evaluation.id}-weights.safetensors` }]);

    writeFileSync(file, 'tampered');
    expect(await dispatchDesktop(handlers, 'desktop.saveWeights', { runId: evaluation.id })).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/damaged/) } });
  });

  it('returns the folder the user picked, or null when they cancelled', async () => {
    expect(await dispatchDesktop(createDesktopHandlers(host, scriptedDialogs('/data/fmnist')), 'desktop.pickFolder', { purpose: 'dataset' })).toEqual({ ok: true, data: { path: '/data/fmnist' } });
    expect(await dispatchDesktop(createDesktopHandlers(host, scriptedDialogs(null)), 'desktop.pickFolder', { purpose: 'dataset' })).toEqual({ ok: true, data: { path: null } });
  });
});
