import { describe, expect, it } from 'vitest';
import { collapseFromSeries } from '../../../src-renderer/lib/collapse-signals';
import { scaledCells } from '../../../src-renderer/lib/heatmap-scale';
import { pvllPairs } from '../../../src-renderer/lib/pvll-pairs';
import type { HeatmapData } from '../../../src-renderer/lib/alphas';
import type { SeriesData } from '../../../src-renderer/lib/series-buffer';
import { estimateSecondsLeft, formatTimeLeft, watchedSecondsLeft } from '../../../src-shared/model/time-left';

// 8 steps per epoch, no stored times (a run written before times were kept).
const s = (points: [number, number][]): SeriesData => ({ steps: points.map((p) => p[0]), epochs: points.map((p) => p[0] / 8), values: points.map((p) => p[1]), times: points.map(() => null) });

describe('collapse warning replayed from stored metrics', () => {
  // A quick-preset-sized run (2 nodes: 4 inputs), 8 steps per epoch, 4 epochs.
  const config = { algorithm: 'darts', space: { kind: 'darts', nodes: 2 }, epochs: 4 };
  const clock = s([[8, 2.07], [16, 2.0], [24, 1.9], [32, 1.7]]);

  it('an older run without param_free counts falls back to the skip count: 2 of 4 at epoch 3', () => {
    const report = collapseFromSeries({ 'alpha.entropy.normal': clock, 'genotype.skip.normal': s([[8, 0], [16, 1], [24, 2], [32, 3]]) }, config);
    expect(report?.warning).toMatchObject({ epoch: 3, cause: 'parameter-free' });
    expect(report?.recordedEpoch).toBeNull();
  });

  it('prefers the parameter-free count (pooling included) and reads the recorded warning epoch', () => {
    const report = collapseFromSeries({
      'alpha.entropy.normal': clock,
      'genotype.skip.normal': s([[8, 0], [16, 0], [24, 0], [32, 0]]),
      'genotype.param_free.normal': s([[8, 0], [16, 2], [24, 2], [32, 2]]),
      'warning.collapse': s([[16, 2]]),
    }, config);
    expect(report?.warning?.epoch).toBe(2);
    expect(report?.recordedEpoch).toBe(2);
  });

  it('reads eigenvalues measured every other epoch at their epochs, with the run\'s own DARTS-ES settings', () => {
    // Eigenvalues at epochs 2, 4, 6, 8: 0.1, 0.1, 0.2, 0.3. Window 1, delta 1, factor 1.3: 0.2 / 0.1 = 2 at epoch 6.
    const steps = Array.from({ length: 8 }, (_, i): [number, number] => [10 * (i + 1), 1]);
    const report = collapseFromSeries(
      { 'alpha.entropy.normal': s(steps), 'hessian.eigenvalue': s([[20, 0.1], [40, 0.1], [60, 0.2], [80, 0.3]]) },
      { space: { kind: 'darts', nodes: 4 }, epochs: 8, earlyStop: { factor: 1.3, window: 1, delta: 1, startEpoch: 0 } },
    );
    expect(report?.warning).toMatchObject({ epoch: 6, cause: 'eigenvalue' });
  });

  it('says nothing for a run that is not a one-shot search', () => {
    expect(collapseFromSeries({ 'train.loss': s([[1, 2]]) }, { algorithm: 'train' })).toBeNull();
  });
});

describe('α heatmap colour scales', () => {
  const data: HeatmapData = { kind: 'normal', ops: ['a', 'b', 'c'], edges: ['e0', 'e1'], cells: [[0, 0, 0.11], [1, 0, 0.15], [2, 0, 0.74], [0, 1, 0.3], [1, 1, 0.3], [2, 1, 0.4]] };

  it('absolute keeps softmax(α); per edge maps each edge onto 0–1 by hand-worked min–max', () => {
    expect(scaledCells(data, 'absolute').map((c) => c[3])).toEqual([0.11, 0.15, 0.74, 0.3, 0.3, 0.4]);
    const edge = scaledCells(data, 'edge').map((c) => c[3]);
    // Edge 0: (0.15 − 0.11) / (0.74 − 0.11) = 0.0635; edge 1: 0, 0, 1.
    [0, 0.04 / 0.63, 1, 0, 0, 1].forEach((v, i) => expect(edge[i]).toBeCloseTo(v, 12));
  });

  it('per epoch spans the whole cell; a flat range is 0.5; the shown value stays softmax(α)', () => {
    const epoch = scaledCells(data, 'epoch');
    [0, 0.04 / 0.63, 1, 0.19 / 0.63, 0.19 / 0.63, 0.29 / 0.63].forEach((v, i) => expect(epoch[i][3]).toBeCloseTo(v, 12));
    expect(epoch.map((c) => c[2])).toEqual(data.cells.map((c) => c[2]));
    const flat: HeatmapData = { ...data, cells: [[0, 0, 0.5], [1, 0, 0.5]] };
    expect(scaledCells(flat, 'edge').map((c) => c[3])).toEqual([0.5, 0.5]);
  });
});

describe('PVLL predicted vs measured pairs', () => {
  it('pairs the predictions with the measurement of the same step; samples before ψ exists have none', () => {
    const pairs = pvllPairs({ 'pvll.measured': s([[3, 2.3], [5, 2.1], [9, 1.9]]), 'pvll.predicted': s([[5, 2.0], [9, 2.2], [11, 1.0]]) });
    expect(pairs).toEqual([[2.0, 2.1, 5], [2.2, 1.9, 9]]);
    expect(pvllPairs({ 'pvll.measured': s([[3, 2.3]]) })).toEqual([]);
  });
});

describe('time left', () => {
  it('is elapsed / done · (total − done): 30 of 120 steps in 60 s leave 180 s', () => {
    expect(estimateSecondsLeft(30, 120, 60)).toBe(180);
    expect(estimateSecondsLeft(0, 120, 60)).toBeNull();
    expect(estimateSecondsLeft(5, 0, 60)).toBeNull();
    expect(estimateSecondsLeft(130, 120, 60)).toBe(0);
  });

  it('reads roughly', () => {
    expect(formatTimeLeft(45)).toBe('under a minute');
    expect(formatTimeLeft(180)).toBe('about 3 min');
    expect(formatTimeLeft(2 * 3600 + 5 * 60 + 10)).toBe('about 2 h 05 min');
  });
});

describe('time left of a watched run', () => {
  it('uses the pace seen since the dashboard opened once the run moved, else the run\'s start', () => {
    // Resumed run: started at t = 0, 50 of 100 steps done when first seen at t = 1000 s (after downtime).
    const seen = { time: 1_000_000, done: 50 };
    // Not moved yet: from the start, 1000 s for 50 steps → 1000 s for the other 50.
    expect(watchedSecondsLeft({ time: 1_000_000, done: 50, total: 100 }, 0, seen)).toBe(1000);
    // 10 more steps in 20 s: 2 s a step for the 40 left = 80 s.
    expect(watchedSecondsLeft({ time: 1_020_000, done: 60, total: 100 }, 0, seen)).toBe(80);
    expect(watchedSecondsLeft({ time: 20_000, done: 10, total: 100 }, 0, null)).toBe(180);
  });
});
