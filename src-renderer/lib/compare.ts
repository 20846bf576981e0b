import type { MetricSeries } from '../../src-shared/model/records';

/** Keys worth opening a comparison on, most telling first; otherwise the first key alphabetically. */
const PREFERRED_KEYS = ['valid.acc', 'search.best_val', 'test.acc', 'valid.loss', 'train.loss'];

export function defaultCompareKey(keys: readonly string[]): string | null {
  return PREFERRED_KEYS.find((k) => keys.includes(k)) ?? [...keys].sort()[0] ?? null;
}

/** Run ids from `?runs=3,1,2` (positive integers, first occurrence kept, order kept). */
export function parseRunIds(raw: unknown): number[] {
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : '';
  const ids = text.split(',').map((t) => Number(t.trim())).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}

export type CompareRow = { runId: number; points: number; last: number | null; best: number | null; bestStep: number | null };

/** Last and best value of one key per run; "best" is the maximum unless the key is a loss. */
export function compareRow(runId: number, key: string, series: MetricSeries | undefined): CompareRow {
  if (!series || series.values.length === 0) return { runId, points: 0, last: null, best: null, bestStep: null };
  const lower = /loss|error|eigenvalue|entropy/.test(key);
  let at = 0;
  series.values.forEach((v, i) => {
    if (lower ? v < series.values[at] : v > series.values[at]) at = i;
  });
  return { runId, points: series.values.length, last: series.values[series.values.length - 1], best: series.values[at], bestStep: series.steps[at] };
}
