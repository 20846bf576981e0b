import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variable that overrides the data dir (web mode, the CLI, tests). */
export const DATA_DIR_ENV = 'NAS_WORKBENCH_DATA_DIR';
export const STORE_FILE = 'workbench.sqlite';
/** Folder beside the store that holds the runs' checkpoint files. */
export const CHECKPOINTS_DIR = 'checkpoints';

/** The folder holding package.json: from sources, from out/main, or from an Electron app bundle. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function resourcesDir(): string {
  return join(appRoot(), 'resources');
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Where runs are stored: an explicit --data-dir, else $NAS_WORKBENCH_DATA_DIR, else the platform
 * default (Electron passes its userData instead).
 */
export function resolveDataDir(explicit?: string, platformDefault?: string): string {
  if (explicit) return resolve(explicit);
  const fromEnv = process.env[DATA_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  if (platformDefault) return platformDefault;
  const xdg = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(xdg, 'nas-workbench');
}
