import { describe, expect, it } from 'vitest';
import { confusionCells, formatMillions, formatPercent, imageDataBytes, meanStd } from '../../../src-renderer/lib/evaluation-report';

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

describe('the predictions panel’s data', () => {
  it('turns the confusion matrix into heatmap cells with each row’s shares (by hand; an empty row stays 0)', () => {
    expect(confusionCells([[3, 1], [0, 0]])).toEqual([
      [0, 0, 0.75, 3],
      [1, 0, 0.25, 1],
      [0, 1, 0, 0],
      [1, 1, 0, 0],
    ]);
  });

  it('expands grey and RGB bytes to RGBA and refuses a wrong size', () => {
    const grey = imageDataBytes(btoa(String.fromCharCode(0, 200)), [1, 2, 1]);
    expect(Array.from(grey)).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    const rgb = imageDataBytes(btoa(String.fromCharCode(1, 2, 3)), [1, 1, 3]);
    expect(Array.from(rgb)).toEqual([1, 2, 3, 255]);
    expect(() => imageDataBytes(btoa('ab'), [2, 2, 1])).toThrow(/needs 4 bytes, got 2/);
  });
});
