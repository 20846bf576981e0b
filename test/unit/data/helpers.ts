import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nas-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
