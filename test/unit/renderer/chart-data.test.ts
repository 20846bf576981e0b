import { describe, expect, it } from 'vitest';
import { forLogScale, mergeDetail, metricsCsv, stepRangeFor, xExtent, xValues, xyPairs } from '../../../src-renderer/lib/chart-data';
import type { SeriesData } from '../../../src-renderer/lib/series-buffer';

const T0 = Date.UTC(2026, 0, 1);
const s: SeriesData = { steps: [0, 10, 20, 30, 40], epochs: [0, 0.5, 1, 1.5, 2], values: [4, 3, 2, 1, 0], times: [null, T0, T0 + 1800_000, T0 + 3600_000, T0 + 7200_000] };

describe('chart data', () => {
  it('gives x per axis, elapsed hours from the first known time, and leaves unknown x out of the pairs', () => {
    expect(xValues(s, 'epoch')).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(xValues(s, 'elapsed')).toEqual([null, 0, 0.5, 1, 2]);
    expect(xyPairs(xValues(s, 'wall'), s.values)).toEqual([[T0, 3], [T0 + 1800_000, 2], [T0 + 3600_000, 1], [T0 + 7200_000, 0]]);
    expect(xExtent([s], 'elapsed')).toEqual([0, 2]);
    expect(xExtent([{ steps: [1], epochs: [0], values: [1], times: [null] }], 'wall')).toBeNull();
  });

  it('maps an x window to the step range that covers it, edges included', () => {
    // Epoch window [0.7, 1.2]: last point at or before 0.7 is step 10, first at or after 1.2 is step 30.
    expect(stepRangeFor(s, 'epoch', 0.7, 1.2)).toEqual({ fromStep: 10, toStep: 30 });
    expect(stepRangeFor(s, 'step', 10, 20)).toEqual({ fromStep: 10, toStep: 20 });
    // A window before the first point starts at the first point.
    expect(stepRangeFor(s, 'elapsed', -1, 0.25)).toEqual({ fromStep: 10, toStep: 20 });
  });

  it('replaces the window of the overview by its detail', () => {
    const detail: SeriesData = { steps: [10, 15, 20], epochs: [0.5, 0.75, 1], values: [3, 9, 2], times: [1, 2, 3] };
    expect(mergeDetail(s, detail, 10, 20)).toEqual({
      steps: [0, 10, 15, 20, 30, 40],
      epochs: [0, 0.5, 0.75, 1, 1.5, 2],
      values: [4, 3, 9, 2, 1, 0],
      times: [null, 1, 2, 3, T0 + 3600_000, T0 + 7200_000],
    });
  });

  it('drops values a log axis cannot draw, counting them', () => {
    expect(forLogScale([1, 0, -2, Number.NaN, 0.5])).toEqual({ values: [1, null, null, null, 0.5], hidden: 2 });
  });

  it('writes CSV with ISO times, NaN and the smoothed column', () => {
    const data = { 'a,b': { steps: [1, 2], epochs: [0.25, 0.5], values: [0.1, Number.NaN], times: [T0, null] } };
    expect(metricsCsv(data, ['a,b'], { 'a,b': [0.1, Number.NaN] })).toBe(
      'key,step,epoch,time,value,smoothed\n"a,b",1,0.25,2026-01-01T00:00:00.000Z,0.1,0.1\n"a,b",2,0.5,,NaN,NaN\n',
    );
  });
});
