import { runSettings, type ConfiguredRun } from './config-diff';

/** Settings that do not make two runs different experiments: the seed, and the name a user gave. */
const NOT_THE_EXPERIMENT = new Set(['seed', 'name']);

export type SeedGroup = { key: string; runIds: number[] };

/** Runs with the same settings apart from the seed (and name), in the order their first run appears. */
export function seedGroups(runs: readonly ConfiguredRun[]): SeedGroup[] {
  const groups = new Map<string, number[]>();
  for (const run of runs) {
    const settings = Object.entries(runSettings(run)).filter(([path]) => !NOT_THE_EXPERIMENT.has(path));
    const key = JSON.stringify(settings.sort(([a], [b]) => a.localeCompare(b)));
    const ids = groups.get(key);
    if (ids) ids.push(run.id);
    else groups.set(key, [run.id]);
  }
  return [...groups].map(([key, runIds]) => ({ key, runIds }));
}

/** y at x on the polyline (xs increasing), linear between points; NaN outside [xs₀, xsₙ] or next to a NaN. */
export function interpolateAt(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1]) return Number.NaN;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (xs[lo] === x) return ys[lo];
  if (xs[hi] === x) return ys[hi];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

export type Band = { x: number[]; mean: number[]; std: number[]; lower: number[]; upper: number[]; runs: number };

/**
 * Mean ± sample standard deviation (n − 1) of several runs' curves, on `gridSize` evenly spaced x
 * over the range all curves cover (runs downsampled at different steps, or still running, share no
 * x otherwise). Each curve is read at the grid by linear interpolation. Null with fewer than two
 * curves or no common range. Grid points where a curve is NaN use the others (n ≥ 2 still needed).
 */
export function meanStdBand(curves: readonly { x: readonly number[]; y: readonly number[] }[], gridSize = 200): Band | null {
  const usable = curves.filter((c) => c.x.length > 0);
  if (usable.length < 2) return null;
  const from = Math.max(...usable.map((c) => c.x[0]));
  const to = Math.min(...usable.map((c) => c.x[c.x.length - 1]));
  if (!(to >= from)) return null;
  const count = to > from ? gridSize : 1;
  const band: Band = { x: [], mean: [], std: [], lower: [], upper: [], runs: usable.length };
  for (let g = 0; g < count; g++) {
    const x = count === 1 ? from : from + ((to - from) * g) / (count - 1);
    const ys = usable.map((c) => interpolateAt(c.x, c.y, x)).filter((y) => Number.isFinite(y));
    if (ys.length < 2) continue;
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1));
    band.x.push(x);
    band.mean.push(mean);
    band.std.push(std);
    band.lower.push(mean - std);
    band.upper.push(mean + std);
  }
  return band;
}
