import { describe, expect, it } from 'vitest';
import { fewshotBars } from '../../../src-renderer/lib/fewshot-bars';

const series = (points: [number, number][]) => ({ steps: points.map(([s]) => s), epochs: points.map(([s]) => s), values: points.map(([, v]) => v), times: points.map(() => null) });

describe('few-shot sub-supernet bars', () => {
  it('takes each sub-supernet\'s last validation figures in the order they ran, the best marked (ties by the lower loss)', () => {
    const bars = fewshotBars({
      'valid.acc': series([[2, 0.1], [4, 0.5]]),
      'fewshot.skip_connect.valid.acc': series([[6, 0.3], [8, 0.5]]),
      'fewshot.skip_connect.valid.loss': series([[6, 1.2], [8, 0.9]]),
      'fewshot.max_pool_3x3.valid.acc': series([[3, 0.2], [4, 0.5]]),
      'fewshot.max_pool_3x3.valid.loss': series([[3, 1.5], [4, 1.1]]),
      'fewshot.dil_conv_3x3.valid.acc': series([[10, 0.25]]),
    });
    expect(bars.map((b) => [b.op, b.validAcc, b.validLoss, b.step, b.best])).toEqual([
      ['max_pool_3x3', 0.5, 1.1, 4, false],
      ['skip_connect', 0.5, 0.9, 8, true],
      ['dil_conv_3x3', 0.25, Number.NaN, 10, false],
    ]);
  });

  it('is empty for a run without sub-supernets', () => {
    expect(fewshotBars({ 'valid.acc': series([[1, 0.3]]) })).toEqual([]);
  });
});
