import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

/**
 * One app instance per data dir. Electron's single-instance lock belongs to the Chromium profile
 * folder (`userData`), so the app gives each data dir its own profile: the default data dir IS the
 * default userData; another data dir gets `<userData>/instances/<hash of its path>`. A second launch
 * on the same data dir then finds the lock taken, hands its arguments to the first one (which
 * focuses its window) and quits; a launch on another data dir runs beside it.
 */
export function profileDirFor(defaultUserData: string, dataDir: string): string {
  const dir = resolve(dataDir);
  if (dir === resolve(defaultUserData)) return defaultUserData;
  return join(defaultUserData, 'instances', createHash('sha256').update(dir).digest('hex').slice(0, 16));
}

/** What the first instance does when a second one started: bring its window back and to the front. */
export interface FocusTarget {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

export function focusFirstInstance(win: FocusTarget | null): boolean {
  if (!win) return false;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return true;
}
