import { spearman } from '../diagnostics/spearman';
import type { Nb201Table } from '../benchmarks/nb201';

/** −1, 0 or 1; unlike Math.sign(x − y) it holds for two equal infinities (NASWOT's −∞). */
const compare = (x: number, y: number): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * Kendall's τ-b (ties in either list corrected, as scipy.stats.kendalltau); NaN for fewer than 2
 * pairs or a constant list. O(n²): 1,000 cells is half a million pairs.
 */
export function kendall(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`kendall needs two lists of the same length, got ${a.length} and ${b.length}`);
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = compare(a[i], a[j]);
      const db = compare(b[i], b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}

export interface Correlation {
  spearman: number;
  kendall: number;
}

/** A proxy's correlations with one benchmark table's validation and test accuracy, over the cells it has a number for. */
export interface TableCorrelation {
  dataset: string;
  val: Correlation;
  test: Correlation;
}

/**
 * Correlations of `values[i]` (the proxy of cell `cells[i]`, a NAS-Bench-201 index) with each
 * table's accuracies. Cells whose value is NaN are left out (`used` says how many remain); ±∞ rank
 * as the extremes they are.
 */
export function correlateWithTables(cells: readonly number[], values: readonly number[], tables: readonly Nb201Table[]): { used: number; tables: TableCorrelation[] } {
  const keep = cells.map((_, i) => i).filter((i) => !Number.isNaN(values[i]));
  const v = keep.map((i) => values[i]);
  const pair = (acc: Float64Array): Correlation => {
    const a = keep.map((i) => acc[cells[i]]);
    return { spearman: spearman(v, a), kendall: kendall(v, a) };
  };
  return { used: keep.length, tables: tables.map((t) => ({ dataset: t.dataset, val: pair(t.val), test: pair(t.test) })) };
}

/** A proxy's scores over cells, with what computing them cost. */
export interface ProxyScores {
  values: readonly number[];
  seconds: readonly number[];
}

/** One row per proxy: its mean seconds per cell and its correlations with each table (`cells`: NAS-Bench-201 indices). */
export function proxyCorrelationRows(
  cells: readonly number[],
  scores: ReadonlyMap<string, ProxyScores>,
  tables: readonly Nb201Table[],
): { proxy: string; secondsPerCell: number; used: number; tables: TableCorrelation[] }[] {
  return [...scores].map(([proxy, s]) => {
    const { used, tables: correlations } = correlateWithTables(cells, s.values, tables);
    return { proxy, secondsPerCell: s.seconds.reduce((t, x) => t + x, 0) / Math.max(1, s.seconds.length), used, tables: correlations };
  });
}
