import type { Split } from '../data/types';

/** How many test images the run page shows with their predicted class. */
export const SAMPLE_IMAGES = 24;

/**
 * What a trained network predicts on the test set, for the run page: the confusion matrix
 * (`confusion[true][predicted]`, counts over every test image) and the first `samples` test images
 * (the file order the final test pass reads) with their label and prediction. Pixels are the
 * dataset's own bytes (HWC, 0-255) in base64, so the page draws them as they are stored.
 */
export interface PredictionReport {
  classNames: string[];
  confusion: number[][];
  shape: [number, number, number];
  samples: { index: number; label: number; predicted: number; pixels: string }[];
}

export function predictionReport(test: Split, shape: [number, number, number], classNames: string[], predictions: Int32Array, samples = SAMPLE_IMAGES): PredictionReport {
  if (predictions.length !== test.count) throw new Error(`${predictions.length} predictions for ${test.count} test images`);
  const classes = classNames.length;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < test.count; i++) confusion[test.labels[i]][predictions[i]]++;
  const pixels = shape[0] * shape[1] * shape[2];
  return {
    classNames,
    confusion,
    shape,
    samples: Array.from({ length: Math.min(samples, test.count) }, (_, i) => ({
      index: i,
      label: test.labels[i],
      predicted: predictions[i],
      pixels: Buffer.from(test.images.subarray(i * pixels, (i + 1) * pixels)).toString('base64'),
    })),
  };
}
