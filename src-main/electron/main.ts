import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHost } from '../host/host';
import { resolveDataDir } from '../host/paths';
import { IPC_EVENT, IPC_REQUEST } from '../../src-shared/transport';
import { utilityLauncher } from './utility-launcher';

/** Electron entry: thin by design; everything but windows and IPC lives in host/. */
const { values } = parseArgs({ args: process.argv.slice(2), options: { 'data-dir': { type: 'string' } }, strict: false });
const dataDir = resolveDataDir(typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined, app.getPath('userData'));

app.whenReady().then(() => {
  const host = createHost({ dataDir, mode: 'electron', launcher: utilityLauncher(join(import.meta.dirname, 'engine.js')) });
  ipcMain.handle(IPC_REQUEST, (_event, channel: unknown, request: unknown) => host.dispatch(String(channel), request));
  host.bus.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, event, payload);
  });

  const open = (): void => {
    const win = new BrowserWindow({
      width: 1400,
      height: 900,
      title: 'NAS Workbench',
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.cjs'),
        contextIsolation: true,
        nodeIntegration: false,
        sandbox: true,
      },
    });
    if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
    else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  };
  open();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && open());
  // Runs survive a closed window (they live in the store); quitting stops them cleanly.
  app.on('before-quit', (e) => {
    e.preventDefault();
    app.removeAllListeners('before-quit');
    void host.close().finally(() => app.quit());
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
