import type { StoredMetricPoint } from '../../src-shared/model/metrics';
import type { MetricSeries } from '../../src-shared/model/records';

/** One key's points for a chart, in step order: parallel arrays as `metrics.query` answers them. */
export type SeriesData = Omit<MetricSeries, 'key'>;

export function emptySeries(): SeriesData {
  return { steps: [], epochs: [], values: [], times: [] };
}

/**
 * Past this many points a live series is thinned by half (every other older point dropped), so a
 * long run's chart stays cheap; 2000 matches the `metrics.query` default downsampling.
 */
export const MAX_LIVE_POINTS = 4000;

/** Copies query results per key; a NaN (which JSON carries as null) is NaN again. */
export function fromQuery(series: readonly MetricSeries[]): Record<string, SeriesData> {
  const out: Record<string, SeriesData> = {};
  for (const s of series) {
    out[s.key] = { steps: [...s.steps], epochs: [...s.epochs], values: s.values.map((v) => v ?? Number.NaN), times: [...s.times] };
  }
  return out;
}

/**
 * Appends live points; a point at or before a key's last step is dropped, because it is already in
 * what `metrics.query` returned (events and the query overlap while the query is in flight).
 * Returns whether anything was added.
 */
export function appendPoints(target: Record<string, SeriesData>, points: readonly StoredMetricPoint[], maxPoints = MAX_LIVE_POINTS): boolean {
  let added = false;
  for (const p of points) {
    let s = target[p.key];
    if (!s) target[p.key] = s = emptySeries();
    const last = s.steps.length ? s.steps[s.steps.length - 1] : -1;
    if (p.step <= last) continue;
    s.steps.push(p.step);
    s.epochs.push(p.epoch);
    s.values.push(p.value ?? Number.NaN);
    s.times.push(p.time);
    added = true;
    if (s.steps.length > maxPoints) thin(s);
  }
  return added;
}

/** Drops every other point except the most recent, keeping the first and last. */
function thin(s: SeriesData): void {
  const keep = (_: unknown, i: number, a: readonly unknown[]): boolean => i % 2 === 0 || i === a.length - 1;
  s.steps = s.steps.filter(keep);
  s.epochs = s.epochs.filter(keep);
  s.values = s.values.filter(keep);
  s.times = s.times.filter(keep);
}
