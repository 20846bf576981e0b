import type { ConfigDiffRow } from './config-diff';

/**
 * Parallel coordinates of what differs between runs against their best value of a metric: one
 * axis per differing setting (numeric when every run that has it holds a finite number, else
 * categories in first-seen order, a missing value shown as "—") and the metric last.
 */
export type ParallelAxis = { name: string; type: 'value' | 'category'; categories?: string[] };
export type ParallelLine = { runId: number; values: (number | string | null)[] };

const MISSING = '—';

export function parallelCoordinates(runIds: readonly number[], diff: readonly ConfigDiffRow[], metric: string, best: readonly (number | null)[]): { axes: ParallelAxis[]; lines: ParallelLine[] } {
  const axes: ParallelAxis[] = [];
  const columns: (number | string | null)[][] = [];
  for (const row of diff) {
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
  return { axes, lines: runIds.map((runId, i) => ({ runId, values: columns.map((c) => c[i]) })) };
}
