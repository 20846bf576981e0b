import { describe, expect, it } from 'vitest';
import { compareRow, defaultCompareKey, parseRunIds } from '../../../src-renderer/lib/compare';

describe('compare view helpers', () => {
  it('reads run ids from the address, dropping junk and repeats', () => {
    expect(parseRunIds('3,1, 3,x,-2,0,7')).toEqual([3, 1, 7]);
    expect(parseRunIds(undefined)).toEqual([]);
  });

  it('opens on the most telling key the runs share', () => {
    expect(defaultCompareKey(['train.loss', 'valid.acc'])).toBe('valid.acc');
    expect(defaultCompareKey(['search.best_val'])).toBe('search.best_val');
    expect(defaultCompareKey(['z', 'a.b'])).toBe('a.b');
    expect(defaultCompareKey([])).toBeNull();
  });

  it('takes the maximum as best for accuracies and the minimum for losses', () => {
    const s = (values: number[]) => ({ key: 'k', steps: values.map((_, i) => 10 * i), epochs: values.map(() => 0), values, times: values.map(() => null) });
    expect(compareRow(1, 'valid.acc', s([0.2, 0.6, 0.5]))).toEqual({ runId: 1, points: 3, last: 0.5, best: 0.6, bestStep: 10 });
    expect(compareRow(1, 'train.loss', s([2, 1, 1.5]))).toMatchObject({ best: 1, bestStep: 10 });
    expect(compareRow(2, 'valid.acc', undefined)).toEqual({ runId: 2, points: 0, last: null, best: null, bestStep: null });
  });
});
