import { describe, expect, it } from 'vitest';
import { predictionReport } from '../../../src-main/engine/evaluate/predictions';

describe('the prediction report of an evaluation run', () => {
  it('counts the confusion matrix by true and predicted class and keeps the first images as stored (by hand)', () => {
    // Five 1×2 grey images of three classes.
    const test = { images: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), labels: Uint8Array.from([0, 1, 2, 1, 0]), count: 5 };
    const report = predictionReport(test, [1, 2, 1], ['a', 'b', 'c'], Int32Array.from([0, 2, 2, 1, 1]), 2);
    expect(report.confusion).toEqual([
      [1, 1, 0], // two 'a': one right, one taken for 'b'
      [0, 1, 1], // two 'b': one taken for 'c', one right
      [0, 0, 1],
    ]);
    expect(report.samples).toEqual([
      { index: 0, label: 0, predicted: 0, pixels: Buffer.from([0, 1]).toString('base64') },
      { index: 1, label: 1, predicted: 2, pixels: Buffer.from([2, 3]).toString('base64') },
    ]);
    expect(() => predictionReport(test, [1, 2, 1], ['a', 'b', 'c'], Int32Array.from([0, 1]))).toThrow(/2 predictions for 5 test images/);
  });
});
