import { describe, expect, it } from 'vitest';
import { AlphasArtifact, alphaHeatmap, edgeNames } from '../../../src-renderer/lib/alphas';
import { evaluationRows } from '../../../src-renderer/lib/evaluations';

describe('alphas heatmap data', () => {
  const snapshot = AlphasArtifact.parse({
    space: { kind: 'darts', nodes: 1, layers: 2 },
    cells: [
      { kind: 'normal', edgeOps: [['skip_connect', 'sep_conv_3x3'], ['max_pool_3x3', 'skip_connect']], alpha: [[0, Math.log(3)], [1, 1]] },
      { kind: 'reduce', edgeOps: [['none', 'noise'], ['none', 'noise']], alpha: [[2, 0], [0, 0]] },
    ],
  });

  it('gives softmax(α) per edge, by hand: [1, 3]/4 and [1, 1]/2, each op in its own column', () => {
    const h = alphaHeatmap(snapshot, 'normal');
    // Columns in DARTS order: max_pool_3x3 (1), skip_connect (3), sep_conv_3x3 (4).
    expect(h.ops).toEqual(['max_pool_3x3', 'skip_connect', 'sep_conv_3x3']);
    expect(h.edges).toEqual(['0 ← c_{k-2}', '0 ← c_{k-1}']);
    const value = (op: string, edge: number) => h.cells.find(([x, y]) => h.ops[x] === op && y === edge)?.[2];
    expect(value('skip_connect', 0)).toBeCloseTo(0.25, 12);
    expect(value('sep_conv_3x3', 0)).toBeCloseTo(0.75, 12);
    expect(value('max_pool_3x3', 0)).toBeUndefined();
    expect(value('max_pool_3x3', 1)).toBeCloseTo(0.5, 12);
    expect(value('skip_connect', 1)).toBeCloseTo(0.5, 12);
    expect(h.cells).toHaveLength(4);
  });

  it('keeps the reduction cell apart and puts RobustDARTS noise after the DARTS ops', () => {
    const h = alphaHeatmap(snapshot, 'reduce');
    expect(h.ops).toEqual(['none', 'noise']);
    const e = Math.exp(2);
    expect(h.cells[0][2]).toBeCloseTo(e / (e + 1), 12);
  });

  it('stays finite for large α (softmax shifted by the row maximum)', () => {
    const big = AlphasArtifact.parse({ space: { kind: 'nb201' }, cells: [{ kind: 'normal', edgeOps: [['none', 'skip_connect']], alpha: [[1000, 999]] }] });
    const [a, b] = alphaHeatmap(big, 'normal').cells.map((c) => c[2]);
    expect(a).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(a + b).toBeCloseTo(1, 12);
  });

  it('names DARTS edges node by node (node i reads 2 + i states) and NB201 edges in arch-string order', () => {
    expect(edgeNames({ kind: 'darts' }, 14).slice(0, 6)).toEqual(['0 ← c_{k-2}', '0 ← c_{k-1}', '1 ← c_{k-2}', '1 ← c_{k-1}', '1 ← 0', '2 ← c_{k-2}']);
    expect(edgeNames({ kind: 'darts' }, 14)[13]).toBe('3 ← 2');
    expect(edgeNames({ kind: 'nb201' }, 6)).toEqual(['1 ← 0', '2 ← 0', '2 ← 1', '3 ← 0', '3 ← 1', '3 ← 2']);
  });

  it('says which cell is missing or malformed', () => {
    expect(() => alphaHeatmap(snapshot, 'other')).toThrow(/no 'other' cell \(cells: normal, reduce\)/);
    const bad = AlphasArtifact.parse({ space: { kind: 'darts' }, cells: [{ kind: 'normal', edgeOps: [['none', 'noise']], alpha: [[1, 2, 3]] }] });
    expect(() => alphaHeatmap(bad, 'normal')).toThrow(/edge 0 has 3 α values for 2 ops/);
  });
});

describe('black-box evaluations', () => {
  it('orders queries by step and tracks the incumbent (first found on ties)', () => {
    const record = (step: number, metric: number) => ({ runId: 1, kind: 'evaluation', step, data: { arch: `a${step}`, metric, cost: 1 } });
    const rows = evaluationRows([record(3, 80), record(1, 70), record(2, 85), record(4, 85), { runId: 1, kind: 'evaluation', step: 5, data: { nope: 1 } }]);
    expect(rows.map((r) => r.query)).toEqual([1, 2, 3, 4]);
    expect(rows.map((r) => r.bestSoFar)).toEqual([70, 85, 85, 85]);
    expect(rows.map((r) => r.improved)).toEqual([true, true, false, false]);
  });
});
