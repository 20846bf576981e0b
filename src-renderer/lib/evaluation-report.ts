import { stat } from '../../src-shared/model/statistics';

/** What an evaluation run reports at its end (the engine's `evaluation.report` artifact). */
export interface EvaluationReport {
  top1: number;
  top5?: number;
  testLoss: number;
  testImages: number;
  params: number;
  multiplyAdds: number;
  epochs: number;
  trainSeconds: number;
}

export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)} %`;
}

/** Mean ± sample standard deviation (n − 1) of accuracies given as fractions, in percent. */
export function meanStd(fractions: readonly number[]): string {
  const s = stat(fractions);
  if (!s) return '—';
  return `${(100 * s.mean).toFixed(2)} ± ${(100 * (s.std ?? 0)).toFixed(2)} %`;
}

/** Parameters and multiply-adds as papers print them (M), or in thousands for small networks. */
export function formatMillions(n: number): string {
  return n >= 1e5 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} K`;
}

/** The `evaluation.predictions` artifact (engine/evaluate/predictions.ts). */
export interface PredictionReport {
  classNames: string[];
  confusion: number[][];
  shape: [number, number, number];
  samples: { index: number; label: number; predicted: number; pixels: string }[];
}

/** Heatmap cells [predicted, true, share of the true class's row, count]; an empty row gives shares of 0. */
export function confusionCells(confusion: number[][]): [number, number, number, number][] {
  return confusion.flatMap((row, y) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, x) => [x, y, total ? count / total : 0, count] as [number, number, number, number]);
  });
}

/** RGBA bytes of a stored HWC image (1 channel: grey; 3: RGB), base64 as the artifact carries it. */
export function imageDataBytes(base64: string, [h, w, c]: [number, number, number]): Uint8ClampedArray<ArrayBuffer> {
  const raw = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  if (raw.length !== h * w * c) throw new Error(`an image of ${h}×${w}×${c} needs ${h * w * c} bytes, got ${raw.length}`);
  const out = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    out[4 * i] = raw[i * c];
    out[4 * i + 1] = raw[i * c + (c === 3 ? 1 : 0)];
    out[4 * i + 2] = raw[i * c + (c === 3 ? 2 : 0)];
    out[4 * i + 3] = 255;
  }
  return out;
}
