import { describe, expect, it } from 'vitest';
import { meanEntropy } from '../../../src-main/engine/diagnostics/entropy';
import { countSkipConnections } from '../../../src-main/engine/diagnostics/skip-count';
import { parseGenotype } from '../../../src-shared/model/genotype-codec';
import type { DartsGenotype } from '../../../src-shared/model/genotype';

describe('meanEntropy', () => {
  it('is log K for uniform rows whatever their offset', () => {
    expect(meanEntropy([[0, 0, 0, 0, 0, 0, 0, 0], [3, 3, 3, 3, 3, 3, 3, 3]])).toBeCloseTo(Math.log(8), 12);
  });

  it('matches the closed form of a two-op row and averages over edges', () => {
    // softmax([a, 0]) = (p, 1-p) with p = σ(a); H = -p ln p - (1-p) ln(1-p)
    const h2 = (a: number): number => {
      const p = 1 / (1 + Math.exp(-a));
      return -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    };
    expect(meanEntropy([[1.3, 0]])).toBeCloseTo(h2(1.3), 12);
    expect(meanEntropy([[1.3, 0], [-0.4, 0], [0, 0, 0]])).toBeCloseTo((h2(1.3) + h2(-0.4) + Math.log(3)) / 3, 12);
  });

  it('goes to 0 for near one-hot rows without overflowing', () => {
    const h = meanEntropy([[800, 0, 0]]);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(1e-300);
  });

  it('rejects empty or non-finite input', () => {
    expect(() => meanEntropy([])).toThrow(/at least one edge/);
    expect(() => meanEntropy([[0, NaN]])).toThrow(/alpha row 0 holds a non-finite weight/);
  });
});

describe('countSkipConnections', () => {
  it('counts skip_connect per cell of DARTS V1', () => {
    const v1 = parseGenotype(
      "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
    ) as DartsGenotype;
    expect(countSkipConnections(v1)).toEqual({ normal: 3, reduce: 3 });
  });
});
