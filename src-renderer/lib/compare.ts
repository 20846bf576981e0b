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

/**
 * A run's step → x on an epoch axis that lines runs of different methods up. DARTS-family runs
 * report a fractional epoch (step / steps per epoch) and are left as they are; PVLL-NAS reports the
 * number of finished iterations, so all points of an iteration share one epoch value. Within such a
 * plateau the x is spread by step towards the next plateau's epoch (the last plateau is taken to be
 * as long as the one before it), so its points fill [k, k + 1) instead of piling up on k.
 * `reference` is the run's densest series (it defines the plateaus); other keys' steps map through it.
 */
export function epochAligner(reference: { steps: readonly number[]; epochs: readonly number[] }): (step: number, epoch: number) => number {
  const starts: number[] = [];
  const values: number[] = [];
  reference.steps.forEach((step, i) => {
    const e = reference.epochs[i];
    if (values.length === 0 || e !== values[values.length - 1]) {
      starts.push(step);
      values.push(e);
    }
  });
  return (step, epoch) => {
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || step < starts[0]) return epoch;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= step) lo = mid;
      else hi = mid - 1;
    }
    // Only points of the plateau's own epoch are spread (an epoch-end point keeps its epoch).
    if (values[lo] !== epoch) return epoch;
    const next = lo + 1 < starts.length ? { start: starts[lo + 1], value: values[lo + 1] } : null;
    const previous = lo > 0 ? { start: starts[lo - 1], value: values[lo - 1] } : null;
    const length = next ? next.start - starts[lo] : previous ? starts[lo] - previous.start : 0;
    const rise = next ? next.value - values[lo] : previous ? values[lo] - previous.value : 0;
    if (length <= 0 || rise <= 0) return epoch;
    return epoch + Math.min(1, (step - starts[lo]) / length) * rise;
  };
}
