import type { SeriesData } from './series-buffer';

/**
 * PVLL-NAS's predictions against what was then measured: each sampled architecture reports
 * `pvll.measured` and, once ψ is fitted, `pvll.predicted` (ψ's guess before the sample joins the
 * memory) at the same step, so the pairs are the steps both series hold. [predicted, measured, step].
 */
export function pvllPairs(series: Record<string, SeriesData>): [number, number, number][] {
  const predicted = series['pvll.predicted'];
  const measured = series['pvll.measured'];
  if (!predicted || !measured) return [];
  const byStep = new Map<number, number>();
  measured.steps.forEach((step, i) => byStep.set(step, measured.values[i]));
  const pairs: [number, number, number][] = [];
  predicted.steps.forEach((step, i) => {
    const m = byStep.get(step);
    if (m !== undefined) pairs.push([predicted.values[i], m, step]);
  });
  return pairs;
}
