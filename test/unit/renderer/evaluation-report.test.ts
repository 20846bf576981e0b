import { describe, expect, it } from 'vitest';
import { formatMillions, formatPercent, meanStd } from '../../../src-renderer/lib/evaluation-report';

describe('evaluation figures as papers print them', () => {
  it('gives mean ± sample std in percent', () => {
    // 0.90, 0.92, 0.94: mean 92 %, sample std sqrt((4+0+4)/2) = 2 points.
    expect(meanStd([0.9, 0.92, 0.94])).toBe('92.00 ± 2.00 %');
    expect(meanStd([0.5])).toBe('50.00 ± 0.00 %');
  });
  it('prints accuracies and sizes', () => {
    expect(formatPercent(0.9234)).toBe('92.34 %');
    expect(formatMillions(3_349_342)).toBe('3.35 M');
    expect(formatMillions(3_274)).toBe('3.3 K');
  });
});
