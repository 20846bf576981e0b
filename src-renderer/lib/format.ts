/** Display helpers shared by the views. */

/**
 * A whole number with thousands separators, "10,000" (negative and fractional parts as given). Not
 * `toLocaleString`: the first Intl call of a page loads ICU's locale data (35–50 ms), and the runs
 * table's pager is the only formatted number on the app's first view (docs/performance.md).
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** "1 h 02 min", "3 min 05 s", "12 s"; a run still going counts up to `now`. */
export function formatDuration(startedAt: string | null, endedAt: string | null, now: number = Date.now()): string {
  if (!startedAt) return '—';
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return '—';
  return formatSeconds((end - start) / 1000);
}

/** A span of seconds as "1 h 02 min", "3 min 05 s", "12 s"; null or not finite: "—". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return value.toExponential(3);
  return value.toFixed(4).replace(/\.?0+$/, '');
}
