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
  const n = fractions.length;
  const mean = fractions.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(fractions.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return `${(100 * mean).toFixed(2)} ± ${(100 * std).toFixed(2)} %`;
}

/** Parameters and multiply-adds as papers print them (M), or in thousands for small networks. */
export function formatMillions(n: number): string {
  return n >= 1e5 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} K`;
}
