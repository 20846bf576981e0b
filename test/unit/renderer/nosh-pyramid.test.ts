import { describe, expect, it } from 'vitest';
import { pyramidFrom } from '../../../src-renderer/lib/nosh-pyramid';

const rec = (step: number, data: unknown) => ({ runId: 1, kind: 'nosh.level', step, data });

describe('NOSH pyramid from nosh.level artifacts', () => {
  it('counts per level the cells that reached it and stopped there, and keeps each cell where it stopped', () => {
    // Cells a, b, c admitted (level 0, no score); a and b trained to level 1 (4 epochs), a to level 2 (8).
    const records = [
      rec(0, { arch: 'a', level: 0, epochs: 0, metric: null }),
      rec(0, { arch: 'b', level: 0, epochs: 0, metric: null }),
      rec(0, { arch: 'c', level: 0, epochs: 0, metric: null }),
      rec(4, { arch: 'a', level: 1, epochs: 4, metric: 50 }),
      rec(8, { arch: 'b', level: 1, epochs: 4, metric: 60 }),
      rec(12, { arch: 'a', level: 2, epochs: 8, metric: 70, test: 68 }),
      rec(13, { arch: 'x', level: 'bad' }),
    ];
    const { cells, levels } = pyramidFrom(records);
    expect(cells.map((c) => [c.index, c.arch, c.level, c.epochs])).toEqual([
      [1, 'a', 2, 8],
      [2, 'b', 1, 4],
      [3, 'c', 0, 0],
    ]);
    expect(cells[0].metrics).toEqual([null, 50, 70]);
    expect(cells[0].test).toBe(68);
    expect(levels).toEqual([
      { level: 0, epochs: 0, reached: 3, stopped: 1, best: null },
      { level: 1, epochs: 4, reached: 2, stopped: 1, best: 60 },
      { level: 2, epochs: 8, reached: 1, stopped: 1, best: 70 },
    ]);
  });

  it('is empty without records', () => {
    expect(pyramidFrom([])).toEqual({ cells: [], levels: [] });
  });
});
