import type { ConfigDiffRow } from './config-diff';

/**
 * Parallel coordinates of what differs between runs against their best value of a metric: one
 * axis per differing setting (numeric when every run that has it holds a finite number, else
 * categories in first-seen order, a missing value shown as "—") and the metric last. Past
 * MAX_PARALLEL_SETTINGS settings the axes become unreadable: the settings with the most distinct
 * values are kept (ties: the order of the diff), and `omitted` says how many were left out.
 */
export const MAX_PARALLEL_SETTINGS = 10;

export type ParallelAxis = { name: string; type: 'value' | 'category'; categories?: string[] };
export type ParallelLine = { runId: number; values: (number | string | null)[] };

const MISSING = '—';

export function parallelCoordinates(
  runIds: readonly number[],
  diff: readonly ConfigDiffRow[],
  metric: string,
  best: readonly (number | null)[],
): { axes: ParallelAxis[]; lines: ParallelLine[]; omitted: number } {
  const axes: ParallelAxis[] = [];
  const columns: (number | string | null)[][] = [];
  const distinct = (row: ConfigDiffRow): number => new Set(row.values).size;
  const kept = new Set([...diff].sort((a, b) => distinct(b) - distinct(a)).slice(0, MAX_PARALLEL_SETTINGS));
  for (const row of diff.filter((r) => kept.has(r))) {
    const parsed = row.values.map((v) => (v === undefined ? undefined : (JSON.parse(v) as unknown)));
    const numeric = parsed.every((v) => v === undefined || (typeof v === 'number' && Number.isFinite(v)));
    if (numeric) {
      axes.push({ name: row.path, type: 'value' });
      columns.push(parsed.map((v) => (v === undefined ? null : (v as number))));
    } else {
      const labels = parsed.map((v) => (v === undefined ? MISSING : typeof v === 'string' ? v : JSON.stringify(v)));
      axes.push({ name: row.path, type: 'category', categories: [...new Set(labels)] });
      columns.push(labels);
    }
  }
  axes.push({ name: `best ${metric}`, type: 'value' });
  columns.push([...best]);
  return { axes, lines: runIds.map((runId, i) => ({ runId, values: columns.map((c) => c[i]) })), omitted: diff.length - kept.size };
}
