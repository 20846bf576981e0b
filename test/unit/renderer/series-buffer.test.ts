import { describe, expect, it } from 'vitest';
import { appendPoints, fromQuery, type SeriesData } from '../../../src-renderer/lib/series-buffer';

const point = (key: string, step: number, value = step / 10) => ({ key, step, epoch: step / 100, value, time: 1000 + step });

describe('live series buffer', () => {
  it('copies query results into per-key series', () => {
    const data = fromQuery([{ key: 'train.loss', steps: [0, 10], epochs: [0, 0.1], values: [2.3, 1.9], times: [null, 5] }]);
    expect(data).toEqual({ 'train.loss': { steps: [0, 10], epochs: [0, 0.1], values: [2.3, 1.9], times: [null, 5] } });
  });

  it('appends newer points per key and drops points the query already had', () => {
    const data: Record<string, SeriesData> = { 'train.loss': { steps: [0, 10], epochs: [0, 0.1], values: [2.3, 1.9], times: [null, 1010] } };
    const added = appendPoints(data, [point('train.loss', 10, 9), point('train.loss', 5, 9), point('train.loss', 11), point('valid.acc', 20)]);
    expect(added).toBe(true);
    expect(data['train.loss']).toEqual({ steps: [0, 10, 11], epochs: [0, 0.1, 0.11], values: [2.3, 1.9, 1.1], times: [null, 1010, 1011] });
    expect(data['valid.acc']).toEqual({ steps: [20], epochs: [0.2], values: [2], times: [1020] });
    expect(appendPoints(data, [point('train.loss', 3)])).toBe(false);
  });

  it('thins a series past the cap, keeping the first and the newest point', () => {
    const data: Record<string, SeriesData> = {};
    appendPoints(data, Array.from({ length: 9 }, (_, i) => point('k', i)), 8);
    // 9 points over a cap of 8: indices 0,2,4,6,8 remain.
    expect(data.k.steps).toEqual([0, 2, 4, 6, 8]);
    expect(data.k.values).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(data.k.epochs).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
    expect(data.k.times).toEqual([1000, 1002, 1004, 1006, 1008]);
    appendPoints(data, [point('k', 9)], 8);
    expect(data.k.steps).toEqual([0, 2, 4, 6, 8, 9]);
  });
});
