import type { SeriesData } from './series-buffer';

/**
 * What a metric chart's x axis shows: the run's step, its (fractional) epoch, the wall-clock time a
 * point was written, or the time since the run's first point (hours; for comparing runs started at
 * different times).
 */
export type XAxisKind = 'step' | 'epoch' | 'wall' | 'elapsed';
export const X_AXIS_LABELS: Record<XAxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'wall time', elapsed: 'hours since start' };

const HOUR_MS = 3_600_000;

/** The x of each point on `axis`; null where it is unknown (a point stored before write times were). */
export function xValues(s: SeriesData, axis: XAxisKind): (number | null)[] {
  switch (axis) {
    case 'step':
      return s.steps;
    case 'epoch':
      return s.epochs;
    case 'wall':
      return s.times;
    case 'elapsed': {
      const start = s.times.find((t) => t !== null) ?? null;
      return s.times.map((t) => (t === null || start === null ? null : (t - start) / HOUR_MS));
    }
  }
}

/** [x, y] pairs for ECharts, points whose x is unknown left out. */
export function xyPairs(x: readonly (number | null)[], y: readonly (number | null)[]): [number, number | null][] {
  const out: [number, number | null][] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi !== null) out.push([xi, y[i]]);
  }
  return out;
}

/**
 * The values a log axis can draw: a value ≤ 0 or not finite becomes null (a gap, not a point at
 * the bottom); `hidden` counts them so the chart can say so.
 */
export function forLogScale(values: readonly number[]): { values: (number | null)[]; hidden: number } {
  let hidden = 0;
  const out = values.map((v) => {
    if (v > 0 && Number.isFinite(v)) return v;
    if (!Number.isNaN(v)) hidden++;
    return null;
  });
  return { values: out, hidden };
}

/** The smallest and largest known x over the given series (the extent of an axis set to dataMin/dataMax). */
export function xExtent(series: readonly SeriesData[], axis: XAxisKind): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const x of xValues(s, axis)) {
      if (x === null) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The step range [fromStep, toStep] that covers x in [xFrom, xTo] on `axis`, read from `s` (x grows
 * with the step on every axis): from the last point at or before xFrom to the first at or after
 * xTo, so the edges of the window are drawn. Null when `s` has no point with a known x.
 */
export function stepRangeFor(s: SeriesData, axis: XAxisKind, xFrom: number, xTo: number): { fromStep: number; toStep: number } | null {
  const x = xValues(s, axis);
  let from: number | null = null;
  let to: number | null = null;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === null) continue;
    if (from === null || xi <= xFrom) from = s.steps[i];
    to = s.steps[i];
    if (xi >= xTo) break;
  }
  return from === null || to === null ? null : { fromStep: from, toStep: to };
}

/**
 * The overview with the steps [fromStep, toStep] replaced by `detail` (the same range fetched at full
 * resolution): what a zoomed chart draws, so the parts outside the window stay as they were.
 */
export function mergeDetail(overview: SeriesData, detail: SeriesData, fromStep: number, toStep: number): SeriesData {
  const out: SeriesData = { steps: [], epochs: [], values: [], times: [] };
  const push = (s: SeriesData, i: number): void => {
    out.steps.push(s.steps[i]);
    out.epochs.push(s.epochs[i]);
    out.values.push(s.values[i]);
    out.times.push(s.times[i]);
  };
  let i = 0;
  for (; i < overview.steps.length && overview.steps[i] < fromStep; i++) push(overview, i);
  for (let j = 0; j < detail.steps.length; j++) push(detail, j);
  for (; i < overview.steps.length; i++) if (overview.steps[i] > toStep) push(overview, i);
  return out;
}

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * A chart's data as CSV, one row per point: key, step, epoch, time (ISO 8601, empty when unknown),
 * value (NaN as `NaN`), and `smoothed` when smoothing is on. Numbers are written in full (String(x)
 * reads back to the same double).
 */
export function metricsCsv(series: Record<string, SeriesData>, keys: readonly string[], smoothed?: Record<string, number[]>): string {
  const header = ['key', 'step', 'epoch', 'time', 'value', ...(smoothed ? ['smoothed'] : [])];
  const lines = [header.join(',')];
  for (const key of keys) {
    const s = series[key];
    if (!s) continue;
    for (let i = 0; i < s.steps.length; i++) {
      const t = s.times[i];
      const row = [csvField(key), String(s.steps[i]), String(s.epochs[i]), t === null ? '' : new Date(t).toISOString(), String(s.values[i])];
      if (smoothed) row.push(String(smoothed[key]?.[i] ?? ''));
      lines.push(row.join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
