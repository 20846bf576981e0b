import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEscapes } from './path-scan';

/** The repository root: npm runs vitest there. */
const ROOT = process.cwd();
const SCANNED = ['test', 'src-main', 'src-shared', 'src-renderer', 'scripts'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

describe('the repository owns its data', () => {
  it('no file under test/, src-*/ or scripts/ builds a path outside the repository', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(200);
    const found = files.flatMap((file) =>
      findEscapes(readFileSync(file, 'utf8'), file, ROOT).map((e) => `${relative(ROOT, file)}:${e.line} ${e.text} -> ${e.resolved}`),
    );
    expect(found, 'copy what these read into the repository (test/fixtures or resources) and name the source').toEqual([]);
  });
});

describe('the path scan', () => {
  const root = '/repo';
  const scan = (code: string, file = '/repo/test/unit/x/a.test.ts') => findEscapes(code, file, root).map((e) => e.resolved);

  it('finds a sibling folder reached from the file, the root, the working directory or a URL', () => {
    expect(scan("readFileSync(resolve(__dirname, '../../../../sibling/data/a.json'))")).toEqual(['/sibling/data/a.json']);
    expect(scan("const HERE = dirname(fileURLToPath(import.meta.url)); const f = join(HERE, '..', '..', '..', '..', 'sibling', 'b');")).toEqual([
      '/sibling/b',
    ]);
    const fixtures = '/repo/test/e2e/fixtures.ts';
    expect(scan("const ROOT = fileURLToPath(new URL('../..', import.meta.url)); join(ROOT, '../sibling/c.json');", fixtures)).toEqual([
      '/sibling/c.json',
    ]);
    expect(scan("readFileSync('../sibling/data/nb201/cifar10.json', 'utf8')")).toEqual(['/sibling/data/nb201/cifar10.json']);
    expect(scan("const src = resolve(process.argv[2] ?? join(process.cwd(), '..', 'sibling'));")).toEqual(['/sibling']);
    expect(scan("join(import.meta.dirname, '../../../../elsewhere')")).toEqual(['/elsewhere']);
  });

  it('accepts paths inside the repository, system folders and paths it cannot evaluate', () => {
    expect(scan("readFileSync(resolve(__dirname, '../../fixtures/a.json'))")).toEqual([]);
    expect(scan("const ROOT = fileURLToPath(new URL('../..', import.meta.url)); join(ROOT, 'resources', 'nb201');")).toEqual([]);
    expect(scan("readFileSync('resources/nb201/cifar10.json')")).toEqual([]);
    expect(scan("existsSync('/usr/share/datasets/fashion-mnist'); join('/tmp', 'x')")).toEqual([]);
    expect(scan('function f(dir: string) { return readFileSync(join(dir, "../../x")); }')).toEqual([]);
  });
});
