import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder per test, removed afterwards. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nas-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where each suite runs: the in-memory database and a real file in a temp folder. */
export const LOCATIONS = ['memory', 'file'] as const;
