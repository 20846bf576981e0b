import { z } from 'zod';
import { EarlyStopConfig, eigenvalueGrew, localAverages, type EigenvalueAt } from './algorithms/early-stop';
import type { Genotype } from './genotype';
import type { SearchSpace } from './space';

/**
 * The operations without weights a derived cell can pick. DARTS's collapse (Zela et al., ICLR 2020,
 * "Understanding and Robustifying DARTS"; P-DARTS, Chen et al., ICCV 2019) fills the normal cell with
 * them, skip connections above all. `none` is not here: DARTS's derivation never picks it, and in
 * NAS-Bench-201 it is a choice of topology rather than a shortcut.
 */
export const PARAMETER_FREE_OPS: readonly string[] = ['skip_connect', 'max_pool_3x3', 'avg_pool_3x3'];

/**
 * When the collapse warning fires. `parameterFreeShare`: the share of the normal cell's node inputs
 * taken by parameter-free ops at or above which the cell counts as collapsed (0.5: 2 of a 2-node
 * cell's 4 inputs, 4 of DARTS's 8; the published DARTS cell has 2 of 8). `eigenvalue`: DARTS-ES's
 * growth test on the dominant Hessian eigenvalue (algorithms/early-stop.ts), the authors' defaults
 * unless the run's `earlyStop` says otherwise.
 */
export const CollapseCriteria = z
  .object({
    parameterFreeShare: z.number().gt(0).max(1).default(0.5),
    eigenvalue: EarlyStopConfig.prefault({}),
  })
  .strict();
export type CollapseCriteria = z.infer<typeof CollapseCriteria>;

/** Parameter-free ops among a genotype's normal-cell inputs (NAS-Bench-201: its 6 edges). */
export interface ParameterFreeCount {
  count: number;
  inputs: number;
}

export function normalCellParameterFree(genotype: Genotype): ParameterFreeCount {
  const ops = genotype.space === 'darts' ? genotype.normal.map(([op]) => op) : [...genotype.arch.matchAll(/\|([a-z0-9_]+)~\d+/g)].map((m) => m[1]);
  return { count: ops.filter((op) => PARAMETER_FREE_OPS.includes(op)).length, inputs: ops.length };
}

/** Node inputs of a space's normal cell: two per intermediate node in DARTS, the 6 edges of NAS-Bench-201. */
export function normalCellInputs(space: Pick<SearchSpace, 'kind'> & { nodes?: number }): number {
  return space.kind === 'darts' ? 2 * (space.nodes ?? 4) : 6;
}

/** What one epoch's end tells the detector; either signal may be missing (no genotype, no Hessian that epoch). */
export interface EpochSignals {
  /** The epoch just ended, from 1. */
  epoch: number;
  parameterFree?: ParameterFreeCount;
  eigenvalue?: number | null;
}

export interface CollapseWarning {
  /** The first epoch at whose end a criterion held. */
  epoch: number;
  cause: 'parameter-free' | 'eigenvalue';
  /** One sentence for the log and the dashboard. */
  reason: string;
}

/** The watch's state, for a checkpoint. */
export interface CollapseWatchState {
  trace: EigenvalueAt[];
  warning: CollapseWarning | null;
}

/**
 * Watches a differentiable search epoch by epoch and warns once, at the first epoch where the
 * normal cell's parameter-free share reaches the threshold or the dominant eigenvalue grew past
 * DARTS-ES's ratio. The engine feeds it live; the dashboard replays stored metrics (detectCollapse).
 */
export class CollapseWatch {
  private trace: EigenvalueAt[] = [];
  private fired: CollapseWarning | null = null;
  private readonly criteria: CollapseCriteria;

  constructor(criteria: z.input<typeof CollapseCriteria> = {}) {
    this.criteria = CollapseCriteria.parse(criteria);
  }

  /** The warning once fired, else null. */
  get warning(): CollapseWarning | null {
    return this.fired;
  }

  /** Records an epoch's signals; returns the warning at the epoch it first fires, null otherwise (also after). */
  observe(s: EpochSignals): CollapseWarning | null {
    let found: CollapseWarning | null = null;
    if (s.eigenvalue !== undefined && s.eigenvalue !== null && Number.isFinite(s.eigenvalue)) {
      this.trace.push({ epoch: s.epoch, value: s.eigenvalue });
      found = this.eigenvalueWarning(s.epoch);
    }
    const pf = s.parameterFree;
    if (!found && pf && pf.inputs > 0 && pf.count / pf.inputs >= this.criteria.parameterFreeShare) {
      found = {
        epoch: s.epoch,
        cause: 'parameter-free',
        reason: `parameter-free operations (skip connections, pooling) take ${pf.count} of the normal cell's ${pf.inputs} inputs (threshold ${Math.round(this.criteria.parameterFreeShare * 100)} %): the cell is collapsing`,
      };
    }
    if (!found || this.fired) return null;
    this.fired = found;
    return found;
  }

  saveState(): CollapseWatchState {
    return { trace: this.trace.map((t) => ({ ...t })), warning: this.fired };
  }

  loadState(state: CollapseWatchState): void {
    this.trace = state.trace.map((t) => ({ ...t }));
    this.fired = state.warning;
  }

  private eigenvalueWarning(epoch: number): CollapseWarning | null {
    const o = this.criteria.eigenvalue;
    if (!eigenvalueGrew(this.trace, o)) return null;
    const averages = localAverages(this.trace.map((t) => t.value), o.window);
    const now = averages[averages.length - 1];
    const before = averages[averages.length - 1 - o.delta];
    return {
      epoch,
      cause: 'eigenvalue',
      reason: `the dominant Hessian eigenvalue grew from ${before.toPrecision(3)} to ${now.toPrecision(3)} (×${(now / before).toFixed(2)} > ${o.factor} over ${o.delta} measurements, DARTS-ES): the search is heading for a sharp minimum`,
    };
  }
}

/** The first collapse warning of a recorded history of epochs (in epoch order), or null. */
export function detectCollapse(history: readonly EpochSignals[], criteria: z.input<typeof CollapseCriteria> = {}): CollapseWarning | null {
  const watch = new CollapseWatch(criteria);
  for (const s of history) {
    const warning = watch.observe(s);
    if (warning) return warning;
  }
  return null;
}
