// @vitest-environment happy-dom
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createHost, type Host } from '../../../src-main/host/host';
import type { EngineLauncher } from '../../../src-main/host/engine-launcher';
import { APP_ORIGIN } from '../../../src-main/desktop/app-origin';
import { createDesktopHandlers } from '../../../src-main/desktop/desktop-handlers';
import { dispatchDesktop, registerIpc, type IpcSender } from '../../../src-main/desktop/ipc';
import { IPC_MENU } from '../../../src-shared/desktop';
import { canPickFolder, installMenuCommands, pickDatasetFolder } from '../../../src-renderer/lib/desktop';
import { downloadPng, downloadText, saveKindFor } from '../../../src-renderer/lib/save-text';
import { FakeApi } from '../renderer/fake-api';

/**
 * Renderer → preload → main without Electron: the real preload (its 'electron' import replaced by
 * a pipe), main's real IPC registration and desktop handlers over a real store, and dialogs that
 * answer the path the test chose. Only Electron's transport and the dialog windows are stand-ins.
 */
const main = new Map<string, (sender: IpcSender, args: unknown[]) => Promise<unknown>>();
const rendererListeners = new Map<string, Set<(...args: unknown[]) => void>>();
const APP_FRAME: IpcSender = { frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true };
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => ((globalThis as Record<string, unknown>)[key] = api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => main.get(channel)!(APP_FRAME, args),
    on: (channel: string, l: (...args: unknown[]) => void) => rendererListeners.set(channel, (rendererListeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel: string, l: (...args: unknown[]) => void) => rendererListeners.get(channel)?.delete(l),
  },
}));

const noEngine: EngineLauncher = () => {
  throw new Error('no engine process may start in these tests');
};

let dir: string;
let host: Host;
let nextAnswer: string | null = null;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nas-desktop-bridge-'));
  host = createHost({ dataDir: join(dir, 'data'), mode: 'electron', launcher: noEngine, resourcesDir: dir, watch: false });
  const desktop = createDesktopHandlers(host, { saveFile: async () => nextAnswer, pickFolder: async () => nextAnswer });
  registerIpc({ handle: (channel, listener) => main.set(channel, listener) }, APP_ORIGIN, {
    dispatch: (c, r) => host.dispatch(c, r),
    desktop: (c, r) => dispatchDesktop(desktop, c, r),
  });
  await import('../../../src-main/electron/preload');
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('saving from the renderer in the desktop app', () => {
  it('writes the genotype through the native dialog and says where', async () => {
    nextAnswer = join(dir, 'picked', 'cell.py');
    expect(await downloadText('run-4-genotype.py', 'Genotype(normal=[])', 'text/x-python')).toEqual({ saved: 'file', path: nextAnswer });
    expect(readFileSync(nextAnswer, 'utf8')).toBe('Genotype(normal=[])');
  });
  it('reports a cancelled dialog, and main’s refusal as an error with its message', async () => {
    nextAnswer = null;
    expect(await downloadText('m.csv', 'a,b\n1,2', 'text/csv')).toEqual({ saved: 'cancelled' });
    await expect(downloadText('a/b.csv', 'x')).rejects.toThrow(/without \/ or \\/);
  });
  it('saves a chart PNG as its bytes, and refuses something that is not a PNG data URL', async () => {
    nextAnswer = join(dir, 'chart.png');
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await downloadPng('chart.png', `data:image/png;base64,${bytes.toString('base64')}`);
    expect(readFileSync(nextAnswer)).toEqual(bytes);
    await expect(downloadPng('x.png', 'data:text/html;base64,PGgxPg==')).rejects.toThrow(/Not a PNG data URL/);
  });
  it('picks the dataset folder natively', async () => {
    expect(canPickFolder()).toBe(true);
    nextAnswer = '/srv/datasets/fashion-mnist';
    expect(await pickDatasetFolder()).toBe('/srv/datasets/fashion-mnist');
  });
  it('maps file names to the dialog’s kinds', () => {
    expect(['a.json', 'a.py', 'a.txt', 'a.CSV', 'a.png', 'a'].map(saveKindFor)).toEqual(['genotype-json', 'genotype-python', 'genotype-text', 'csv', 'png', 'genotype-text']);
  });
});

describe('menu commands in the renderer', () => {
  function menu(command: string): void {
    for (const l of rendererListeners.get(IPC_MENU) ?? []) l({}, command);
  }
  it('navigates for New run and Import, and exports the genotype of the run on screen', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: ['experiments', 'new-run', 'genotypes'].map((name) => ({ path: `/${name}`, name, component: {} })).concat({ path: '/runs/:id', name: 'run', component: {} }),
    });
    const api = new FakeApi().handle('genotypes.export', (r) => ({ format: 'json', text: `{"run":${r.runId}}`, genotype: { space: 'nb201', edges: [] } as never }));
    const saved: [string, string][] = [];
    installMenuCommands(router, api, async (name, text) => saved.push([name, text]));
    menu('new-run');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('new-run'));
    menu('import-genotype');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('genotypes'));
    await router.push('/runs/12');
    menu('export-genotype');
    await vi.waitFor(() => expect(saved).toEqual([['run-12-genotype.json', '{"run":12}']]));
    expect(api.calls).toEqual([{ channel: 'genotypes.export', request: { runId: 12, format: 'json' } }]);
  });
});
