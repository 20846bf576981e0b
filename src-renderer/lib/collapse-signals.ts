import { CollapseCriteria, detectCollapse, normalCellInputs, type CollapseWarning, type EpochSignals } from '../../src-shared/model/collapse';
import type { SeriesData } from './series-buffer';

/** What the dashboard says about DARTS's collapse for one run. */
export interface CollapseReport {
  /** The detector's first warning on the run's stored (or live) metrics, null when none. */
  warning: CollapseWarning | null;
  /** The epoch the engine recorded as `warning.collapse`, null when it recorded none (older runs, other thresholds). */
  recordedEpoch: number | null;
}

/** The per-epoch keys every one-shot run reports, in the order tried as the epoch clock. */
const EPOCH_CLOCK = ['alpha.entropy.normal', 'genotype.skip.normal', 'genotype.param_free.normal'];

function valueAt(s: SeriesData | undefined, step: number): number | undefined {
  if (!s) return undefined;
  const i = s.steps.indexOf(step);
  return i < 0 ? undefined : s.values[i];
}

/**
 * Replays the collapse detector (src-shared/model/collapse.ts) on a run's metric series, so runs
 * recorded before the engine emitted `warning.collapse` get the warning too. Each one-shot epoch
 * reports `alpha.entropy.normal` once, so its n-th point is epoch n; the cell's parameter-free
 * count is `genotype.param_free.normal`, or for older runs `genotype.skip.normal` (skip connections
 * only; pooling was not recorded). Null for runs that are not differentiable searches.
 */
export function collapseFromSeries(series: Record<string, SeriesData>, config: unknown): CollapseReport | null {
  const clock = EPOCH_CLOCK.map((k) => series[k]).find((s) => s && s.steps.length > 0);
  const c = (config ?? {}) as { space?: { kind?: string; nodes?: number }; earlyStop?: unknown };
  if (!clock || (c.space?.kind !== 'darts' && c.space?.kind !== 'nb201')) return null;
  const inputs = normalCellInputs({ kind: c.space.kind, nodes: c.space.nodes });
  const counts = series['genotype.param_free.normal'] ?? series['genotype.skip.normal'];
  const history: EpochSignals[] = clock.steps.map((step, i) => {
    const count = valueAt(counts, step);
    return { epoch: i + 1, parameterFree: count === undefined ? undefined : { count, inputs }, eigenvalue: valueAt(series['hessian.eigenvalue'], step) };
  });
  // The run's own DARTS-ES settings, as the engine used them; unreadable ones fall back to the defaults.
  const criteria = CollapseCriteria.safeParse(c.earlyStop ? { eigenvalue: c.earlyStop } : {});
  const recorded = series['warning.collapse']?.values[0];
  return { warning: detectCollapse(history, criteria.success ? criteria.data : {}), recordedEpoch: recorded ?? null };
}
