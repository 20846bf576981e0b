import { describe, expect, it } from 'vitest';
import { debiasedEma } from '../../../src-renderer/lib/smoothing';

describe('debiasedEma (TensorBoard smoothing)', () => {
  it('matches a hand computation for weight 0.5', () => {
    // s1 = 0.5·0 + 0.5·1 = 0.5, /(1 − 0.5) = 1
    // s2 = 0.5·0.5 + 0.5·3 = 1.75, /(1 − 0.25) = 7/3
    // s3 = 0.5·1.75 + 0.5·2 = 1.875, /(1 − 0.125) = 15/7
    const out = debiasedEma([1, 3, 2], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(7 / 3, 12);
    expect(out[2]).toBeCloseTo(15 / 7, 12);
  });

  it('matches a hand computation for weight 0.9, skipping a NaN without counting it', () => {
    // s1 = 0.1·10 = 1, /(1 − 0.9) = 10; NaN passes; s2 = 0.9·1 + 0.1·0 = 0.9, /(1 − 0.81) = 0.9/0.19
    const out = debiasedEma([10, Number.NaN, 0], 0.9);
    expect(out[0]).toBeCloseTo(10, 12);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(0.9 / 0.19, 12);
  });

  it('leaves values alone at weight 0 and a constant series at any weight; refuses weight 1', () => {
    expect(debiasedEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(debiasedEma([0.1, 0.1, 0.1], 0.99)).toEqual([0.1, 0.1, 0.1]);
    expect(() => debiasedEma([1], 1)).toThrow(/smoothing weight must be in \[0, 1\)/);
  });
});
