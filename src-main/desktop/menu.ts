import type { MenuCommand } from '../../src-shared/desktop';

/** What a menu item does: a command the renderer carries out, something main does, or an Electron role. */
export type MenuAction =
  | { kind: 'renderer'; command: MenuCommand }
  | { kind: 'open-data-dir' }
  | { kind: 'open-docs'; page: 'readme' | 'docs' };

/** A menu item as data; electron/menu.ts turns it into Electron's template. */
export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  action?: MenuAction;
  /** An Electron role (copy, quit, reload, ...): Electron implements it. */
  role?: string;
  separator?: true;
  submenu?: MenuItemSpec[];
}

const SEPARATOR: MenuItemSpec = { separator: true };

/**
 * The application menu. File: new run, opening the data folder in the file manager, importing a
 * genotype, exporting the shown run's genotype. View: the main pages, zoom, full screen (reload and
 * the developer tools only in an unpackaged app: a packaged one has nothing to debug for its user).
 * Help: the README and the design docs shipped with the app. macOS gets its app menu first.
 */
export function buildMenuSpec(opts: { platform: string; isPackaged: boolean; appName: string }): MenuItemSpec[] {
  const mac = opts.platform === 'darwin';
  const file: MenuItemSpec = {
    label: '&File',
    submenu: [
      { label: 'New Run…', accelerator: 'CmdOrCtrl+N', action: { kind: 'renderer', command: 'new-run' } },
      { label: 'Open Experiment Data Folder', accelerator: 'CmdOrCtrl+Shift+O', action: { kind: 'open-data-dir' } },
      SEPARATOR,
      { label: 'Import Genotype…', accelerator: 'CmdOrCtrl+I', action: { kind: 'renderer', command: 'import-genotype' } },
      { label: 'Export Genotype…', accelerator: 'CmdOrCtrl+E', action: { kind: 'renderer', command: 'export-genotype' } },
      SEPARATOR,
      mac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  const edit: MenuItemSpec = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, SEPARATOR, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const debug: MenuItemSpec[] = opts.isPackaged ? [] : [SEPARATOR, { role: 'reload' }, { role: 'toggleDevTools' }];
  const view: MenuItemSpec = {
    label: '&View',
    submenu: [
      { label: 'Experiments', accelerator: 'CmdOrCtrl+1', action: { kind: 'renderer', command: 'open-experiments' } },
      SEPARATOR,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      SEPARATOR,
      { role: 'togglefullscreen' },
      ...debug,
    ],
  };
  const help: MenuItemSpec = {
    label: '&Help',
    submenu: [
      { label: 'User Guide (README)', action: { kind: 'open-docs', page: 'readme' } },
      { label: 'Design Documents', action: { kind: 'open-docs', page: 'docs' } },
      ...(mac ? [] : [SEPARATOR, { role: 'about', label: `About ${opts.appName}` }]),
    ],
  };
  const appMenu: MenuItemSpec[] = mac
    ? [{ label: opts.appName, submenu: [{ role: 'about' }, SEPARATOR, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, SEPARATOR, { role: 'quit' }] }]
    : [];
  return [...appMenu, file, edit, view, help];
}

/** Every action in a menu, depth first (for the adapter's checks and the tests). */
export function menuActions(spec: MenuItemSpec[]): MenuAction[] {
  return spec.flatMap((item) => [...(item.action ? [item.action] : []), ...menuActions(item.submenu ?? [])]);
}
