import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHost } from '../host/host';
import { appRoot, resolveDataDir } from '../host/paths';
import { IPC_EVENT } from '../../src-shared/transport';
import { IPC_MENU } from '../../src-shared/desktop';
import { APP_ENTRY_URL, APP_SCHEME, trustedOrigin } from '../desktop/app-origin';
import { answerAppRequest, APP_SCHEME_PRIVILEGES } from '../desktop/app-protocol';
import { createDesktopHandlers, type Dialogs } from '../desktop/desktop-handlers';
import { dispatchDesktop, registerIpc } from '../desktop/ipc';
import { buildMenuSpec, type MenuAction } from '../desktop/menu';
import { decideDevicePermission, decidePermission } from '../desktop/permissions';
import { RunAttention } from '../desktop/run-attention';
import { focusFirstInstance, profileDirFor } from '../desktop/single-instance';
import { installMenu } from './menu';
import { utilityLauncher } from './utility-launcher';
import { createMainWindow, guardWebContents } from './window';

/**
 * Electron entry: thin by design. Every decision (what may load, which permission, which sender,
 * the menu, where the window goes, what the taskbar shows) is made in desktop/ and tested there;
 * this file only connects those decisions to Electron's objects. Runs and the store live in host/.
 */
const { values } = parseArgs({ args: process.argv.slice(2), options: { 'data-dir': { type: 'string' } }, strict: false });
const dataDir = resolveDataDir(typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined, app.getPath('userData'));
// One instance per data dir: the lock belongs to the profile folder, so each data dir gets its own.
app.setPath('userData', profileDirFor(app.getPath('userData'), dataDir));
const appOrigin = trustedOrigin({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

if (!app.requestSingleInstanceLock({ dataDir })) {
  console.log(`NAS Workbench is already open on ${dataDir}: focusing it.`);
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appOrigin));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('NAS Workbench could not start:', error);
    app.exit(1);
  });
}

function start(): void {
  const rendererDir = join(import.meta.dirname, '../renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await answerAppRequest(rendererDir, request.method, request.url);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => callback(decidePermission(permission, details.requestingUrl, appOrigin)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => decidePermission(permission, requestingOrigin, appOrigin));
  session.defaultSession.setDevicePermissionHandler(() => decideDevicePermission());

  const host = createHost({ dataDir, mode: 'electron', launcher: utilityLauncher(join(import.meta.dirname, 'engine.js')) });
  let win: BrowserWindow | null = null;
  const dialogs: Dialogs = {
    async saveFile(opts) {
      const options = { title: opts.title, defaultPath: join(app.getPath('documents'), opts.defaultName), filters: opts.filters };
      const r = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async pickFolder(opts) {
      const options = { title: opts.title, properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
      const r = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
  const desktop = createDesktopHandlers(host, dialogs);
  registerIpc(
    { handle: (channel, listener) => ipcMain.handle(channel, (event, ...args) => listener({ frameUrl: event.senderFrame?.url ?? null, isMainFrame: event.senderFrame?.parent === null }, args)) },
    appOrigin,
    { dispatch: (c, r) => host.dispatch(c, r), desktop: (c, r) => dispatchDesktop(desktop, c, r) },
  );

  const attention = new RunAttention();
  host.bus.subscribe((event, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(IPC_EVENT, event, payload);
    if (event !== 'run.status' || !win || win.isDestroyed()) return;
    const { progress, notice } = attention.onStatus(payload as Parameters<RunAttention['onStatus']>[0], win.isFocused());
    win.setProgressBar(progress);
    if (notice && Notification.isSupported()) {
      const n = new Notification({ title: notice.title, body: notice.body });
      n.on('click', () => focusFirstInstance(win));
      n.show();
    }
  });

  const docsRoot = app.isPackaged ? process.resourcesPath : appRoot();
  const runAction = (action: MenuAction): void => {
    if (action.kind === 'renderer') win?.webContents.send(IPC_MENU, action.command);
    else if (action.kind === 'open-data-dir') void shell.openPath(dataDir);
    else void shell.openPath(action.page === 'readme' ? join(docsRoot, 'README.md') : join(docsRoot, 'docs'));
  };
  installMenu(buildMenuSpec({ platform: process.platform, isPackaged: app.isPackaged, appName: app.getName() }), runAction);

  const open = (): void => {
    win = createMainWindow(process.env.ELECTRON_RENDERER_URL && !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : APP_ENTRY_URL, join(import.meta.dirname, '../preload/index.cjs'));
    win.on('closed', () => (win = null));
  };
  open();
  app.on('second-instance', () => focusFirstInstance(win) || open());
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && open());
  // Runs survive a closed window (they live in the store); quitting stops them cleanly.
  app.on('before-quit', (e) => {
    e.preventDefault();
    app.removeAllListeners('before-quit');
    void host.close().finally(() => app.quit());
  });
}
