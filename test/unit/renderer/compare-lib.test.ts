import { describe, expect, it } from 'vitest';
import { epochAligner } from '../../../src-renderer/lib/compare';
import { configDiff, flattenConfig } from '../../../src-renderer/lib/config-diff';
import { genotypeDiff, genotypeEdges } from '../../../src-renderer/lib/genotype-diff';
import { MAX_PARALLEL_SETTINGS, parallelCoordinates } from '../../../src-renderer/lib/parallel-coords';
import { interpolateAt, meanStdBand, seedGroups } from '../../../src-renderer/lib/seed-groups';
import type { Genotype } from '../../../src-shared/model/genotype';

describe('epoch alignment', () => {
  it('spreads a PVLL-style plateau over its iteration and leaves fractional DARTS epochs alone', () => {
    // PVLL: 3 units per iteration, epoch = iterations finished.
    const pvll = { steps: [1, 2, 3, 4, 5, 6], epochs: [0, 0, 0, 1, 1, 1] };
    const alignP = epochAligner(pvll);
    const xs = pvll.steps.map((s, i) => alignP(s, pvll.epochs[i]));
    // Plateau 0 starts at step 1, the next at step 4: x = 0 + (s − 1)/3; the last plateau is taken as 3 long.
    [0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3].forEach((x, i) => expect(xs[i]).toBeCloseTo(x, 12));
    // DARTS: epoch = step / 3, every point its own plateau.
    const darts = { steps: [1, 2, 3, 4, 5, 6], epochs: [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2] };
    const alignD = epochAligner(darts);
    darts.steps.forEach((s, i) => expect(alignD(s, darts.epochs[i])).toBe(darts.epochs[i]));
    // PVLL's step 4 and DARTS's step 3 both close epoch 1: they line up at x = 1.
    expect(alignP(4, 1)).toBe(alignD(3, 1));
    // A sparse key's point at an epoch end keeps its epoch; a step before the reference keeps its epoch.
    expect(alignP(3, 1)).toBe(1);
    expect(alignP(0, 0)).toBe(0);
  });
});

describe('seed groups and mean ± std bands', () => {
  const run = (id: number, seed: number, lr: number, name?: string) => ({ id, algorithm: 'darts', seed, config: { algorithm: 'darts', seed, learningRate: lr, ...(name ? { name } : {}) } });

  it('groups runs that differ only by seed (and name)', () => {
    expect(seedGroups([run(1, 0, 0.1), run(2, 1, 0.1, 'mine'), run(3, 0, 0.2)]).map((g) => g.runIds)).toEqual([[1, 2], [3]]);
  });

  it('interpolates linearly and is NaN outside', () => {
    expect(interpolateAt([0, 2, 4], [1, 5, 3], 1)).toBe(3);
    expect(interpolateAt([0, 2, 4], [1, 5, 3], 3.5)).toBeCloseTo(3.5, 12);
    expect(interpolateAt([0, 2, 4], [1, 5, 3], 4.5)).toBeNaN();
  });

  it('matches a hand computation of mean and sample std on the common range', () => {
    // Curve A: y = x on [0, 4]; curve B: y = 3 at x = 1, 5 at x = 3 (so y = x + 2 between); curve C: y = 2 on [0, 3].
    const band = meanStdBand([{ x: [0, 4], y: [0, 4] }, { x: [1, 3], y: [3, 5] }, { x: [0, 3], y: [2, 2] }], 3)!;
    // Common range [1, 3], grid 1, 2, 3. At x = 1: 1, 3, 2 → mean 2, sample var ((1)+(1)+0)/2 = 1.
    // At x = 2: 2, 4, 2 → mean 8/3, var ((2/3)² + (4/3)² + (2/3)²)/2 = (4 + 16 + 4)/9/2 = 4/3.
    // At x = 3: 3, 5, 2 → mean 10/3, var ((1/3)² + (5/3)² + (4/3)²)/2 = (1 + 25 + 16)/9/2 = 7/3.
    expect(band.x).toEqual([1, 2, 3]);
    [2, 8 / 3, 10 / 3].forEach((m, i) => expect(band.mean[i]).toBeCloseTo(m, 12));
    [1, Math.sqrt(4 / 3), Math.sqrt(7 / 3)].forEach((s, i) => expect(band.std[i]).toBeCloseTo(s, 12));
    expect(band.lower[0]).toBeCloseTo(1, 12);
    expect(band.upper[2]).toBeCloseTo(10 / 3 + Math.sqrt(7 / 3), 12);
    expect(band.runs).toBe(3);
    expect(meanStdBand([{ x: [0, 1], y: [0, 1] }])).toBeNull();
    expect(meanStdBand([{ x: [0, 1], y: [0, 1] }, { x: [2, 3], y: [0, 1] }])).toBeNull();
  });
});

describe('config diff', () => {
  it('flattens nested configs and keeps only the keys that differ, seed last', () => {
    expect(flattenConfig({ a: 1, space: { kind: 'nb201', ops: ['x', 'y'] } })).toEqual({ a: '1', 'space.kind': '"nb201"', 'space.ops': '["x","y"]' });
    const runs = [
      { id: 1, algorithm: 'darts', seed: 0, config: { epochs: 2, space: { layers: 5, channels: 8 }, unrolled: false } },
      { id: 2, algorithm: 'darts', seed: 1, config: { epochs: 2, space: { layers: 8, channels: 8 } } },
      { id: 3, algorithm: 'pvll', seed: 0, config: { epochs: 2, space: { layers: 5, channels: 8 } } },
    ];
    expect(configDiff(runs)).toEqual([
      { path: 'algorithm', values: ['"darts"', '"darts"', '"pvll"'] },
      { path: 'space.layers', values: ['5', '8', '5'] },
      { path: 'unrolled', values: ['false', undefined, undefined] },
      { path: 'seed', values: ['0', '1', '0'] },
    ]);
  });

  it('lays the differing settings out as parallel axes with the best metric last', () => {
    const diff = [
      { path: 'learningRate', values: ['0.1', '0.2', undefined] },
      { path: 'algorithm', values: ['"darts"', '"darts"', '"pvll"'] },
    ];
    expect(parallelCoordinates([4, 5, 6], diff, 'valid.acc', [0.8, 0.7, null])).toEqual({
      axes: [
        { name: 'learningRate', type: 'value' },
        { name: 'algorithm', type: 'category', categories: ['darts', 'pvll'] },
        { name: 'best valid.acc', type: 'value' },
      ],
      lines: [
        { runId: 4, values: [0.1, 'darts', 0.8] },
        { runId: 5, values: [0.2, 'darts', 0.7] },
        { runId: 6, values: [null, 'pvll', null] },
      ],
      omitted: 0,
    });
    // Past the cap, the settings with most distinct values stay.
    const many = Array.from({ length: 12 }, (_, i) => ({ path: `p${i}`, values: i < 2 ? ['1', '2', '3'] : ['1', '1', '2'] }));
    const capped = parallelCoordinates([1, 2, 3], many, 'k', [1, 2, 3]);
    expect(MAX_PARALLEL_SETTINGS).toBe(10);
    expect(capped.omitted).toBe(2);
    expect(capped.axes.map((a) => a.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'best k']);
  });
});

describe('genotype diff', () => {
  const darts = (normal: [string, number][]): Genotype => ({
    space: 'darts',
    normal,
    normal_concat: [2, 3],
    reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 0]],
    reduce_concat: [2, 3],
  });

  it('names DARTS edges as the diagrams do and lists only the edges whose op differs', () => {
    const a = darts([['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 2]]);
    const b = darts([['sep_conv_3x3', 0], ['dil_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 1]]);
    expect([...genotypeEdges(a).entries()].slice(0, 4)).toEqual([
      ['normal: c_{k-2} → 0', 'sep_conv_3x3'],
      ['normal: c_{k-1} → 0', 'sep_conv_3x3'],
      ['normal: c_{k-2} → 1', 'skip_connect'],
      ['normal: 0 → 1', 'sep_conv_3x3'],
    ]);
    // b's node 1 takes c_{k-1} instead of node 0: one edge only a has, one only b has.
    expect(genotypeDiff([a, null, b])).toEqual([
      { edge: 'normal: c_{k-1} → 0', ops: ['sep_conv_3x3', null, 'dil_conv_3x3'] },
      { edge: 'normal: 0 → 1', ops: ['sep_conv_3x3', null, null] },
      { edge: 'normal: c_{k-1} → 1', ops: [null, null, 'skip_connect'] },
    ]);
    expect(genotypeDiff([a, a])).toEqual([]);
    expect(genotypeDiff([a, null])).toEqual([]);
  });

  it('diffs NAS-Bench-201 cells edge by edge', () => {
    const a: Genotype = { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' };
    const b: Genotype = { space: 'nb201', arch: '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|' };
    expect(genotypeDiff([a, b])).toEqual([
      { edge: '0 → 2', ops: ['nor_conv_3x3', 'none'] },
      { edge: '2 → 3', ops: ['skip_connect', 'nor_conv_1x1'] },
    ]);
  });
});
