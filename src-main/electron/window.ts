import { app, BrowserWindow, screen, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { decideNavigation, decideRedirect, decideWindowOpen, type NavigationDecision } from '../desktop/navigation';
import { MIN_SIZE, placeWindow, readWindowState, WINDOW_STATE_FILE, writeWindowState } from '../desktop/window-state';

/** Carries out a decision of desktop/navigation.ts: refuse unless allowed, hand http(s) links to the system browser. */
function enforce(decision: NavigationDecision, event: { preventDefault(): void }): void {
  if (decision.allow) return;
  event.preventDefault();
  if (decision.openExternally) void shell.openExternal(decision.openExternally);
}

/**
 * The guard every web contents gets as it is created (app 'web-contents-created'), the main window's
 * and any other: no navigation away from the app, no redirects out of it, no new windows, no <webview>.
 */
export function guardWebContents(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => enforce(decideNavigation(url, appOrigin), event));
  // Sub-frames only (the main frame's navigation is will-navigate's), and never to the browser: the
  // app has no frames, so a frame navigating is not the user's click.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) enforce(decideRedirect(event.url, appOrigin), event);
  });
  contents.on('will-redirect', (event, url) => enforce(decideRedirect(url, appOrigin), event));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: 'deny' };
  });
}

/**
 * The main window, where the user left it last time (window-state.json in the profile folder), with
 * the security settings of Electron's checklist. Its bounds are saved when it closes.
 */
export function createMainWindow(entryUrl: string, preload: string): BrowserWindow {
  const stateFile = join(app.getPath('userData'), WINDOW_STATE_FILE);
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const place = placeWindow(readWindowState(stateFile), workAreas);
  const win = new BrowserWindow({
    ...place.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'NAS Workbench',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click would open links in a new window (refused anyway by the window-open handler).
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  if (place.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      writeWindowState(stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (error) {
      console.warn(`window: could not save its size and place: ${(error as Error).message}`);
    }
  });
  void win.loadURL(entryUrl);
  return win;
}
