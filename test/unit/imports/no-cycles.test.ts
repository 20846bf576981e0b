import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph';

const repo = join(__dirname, '..', '..', '..');

describe('import cycles', () => {
  it('the checker finds a two-file cycle, a self-import and a longer ring, and nothing in a tree', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts', 'c.ts']],
      ['c.ts', []],
      ['d.ts', ['d.ts']],
      ['e.ts', ['f.ts']],
      ['f.ts', ['g.ts']],
      ['g.ts', ['e.ts', 'c.ts']],
    ]);
    expect(cycles(graph).sort((x, y) => x[0].localeCompare(y[0]))).toEqual([['a.ts', 'b.ts'], ['d.ts'], ['e.ts', 'f.ts', 'g.ts']]);
    expect(cycles(new Map([['x.ts', ['y.ts', 'z.ts']], ['y.ts', ['z.ts']], ['z.ts', []]]))).toEqual([]);
  });

  it('the engine has none (each cycle listed as the files that import each other)', () => {
    const graph = importGraph(join(repo, 'src-main', 'engine'));
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(join('search', 'registry.ts'))).toContain(join('search', 'oneshot', 'darts.ts'));
    expect(cycles(graph)).toEqual([]);
  });
});
