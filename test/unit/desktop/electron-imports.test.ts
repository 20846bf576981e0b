import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|vue)$/.test(e.name) ? [p] : [];
  });
}

describe('where Electron is imported', () => {
  it('only src-main/electron/ imports it, so everything else runs (and is tested) without a binary', () => {
    const importing = ['src-main', 'src-shared', 'src-renderer']
      .flatMap((d) => sources(join(ROOT, d)))
      .filter((f) => /from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(importing.length).toBeGreaterThan(0);
    expect(importing.filter((f) => !f.startsWith('src-main/electron/'))).toEqual([]);
  });
});
