import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Finds the Electron binary WITHOUT requiring 'electron' (electron 45 downloads it at the first
 * require and fails offline). Returns its path, or null with the reason.
 */
export function findElectronBinary(): { path: string } | { path: null; reason: string } {
  for (const v of ['ELECTRON_OVERRIDE_DIST_PATH', 'ELECTRON_EXEC_PATH'] as const) {
    const p = process.env[v];
    if (p && existsSync(p)) return { path: v === 'ELECTRON_OVERRIDE_DIST_PATH' ? join(p, 'electron') : p };
  }
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed' };
  }
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return { path: null, reason: `the Electron binary was never downloaded (no ${pathTxt})` };
  const binary = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { path: null, reason: `${binary} is missing` };
}
