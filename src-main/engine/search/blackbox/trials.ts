import type { BlackBoxConfig } from '../../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../../src-shared/model/rng';
import type { Reporter } from '../strategy';
import { createBlackBoxStrategy } from './factory';
import { QueryLog } from './query-log';
import { type LookupTable, TabularEvaluator } from './evaluators/tabular-evaluator';
import { meanStd } from '../../diagnostics/mean-std';

export interface TrialsSummary {
  trials: number;
  /** Test accuracy of the cell with the best validation accuracy each trial found. */
  testMean: number;
  testStd: number;
  valMean: number;
  /** Mean over trials of the incumbent's test accuracy after 1, 2, ..., budget queries. */
  curve: number[];
  /** Sample std over trials of the same, per query count. */
  curveStd: number[];
  /** Queries until the incumbent's test accuracy first reached `target` (null when no target was given). */
  toReach: ReachSummary | null;
  seconds: number;
}

export interface ReachSummary {
  target: number;
  /** Trials that reached it within the budget. */
  reached: number;
  /** Mean and sample std of the query count over the trials that reached it (NaN when none did). */
  mean: number;
  std: number;
}

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

/**
 * Runs one black-box config `trials` times on a lookup table. Trial t draws from
 * `new Rng(seed).fork('trial-t')`, the same stream whatever the strategy, so a figure is
 * reproducible from the seed and strategies start from the same random numbers.
 */
export async function runTrials(config: BlackBoxConfig, table: LookupTable, trials: number, seed: number, target?: number): Promise<TrialsSummary> {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  const started = performance.now();
  const tests: number[] = [];
  const vals: number[] = [];
  const limit = Math.min(config.budget, table.cells.size);
  const curve = new Float64Array(limit);
  const square = new Float64Array(limit);
  const reach: number[] = [];
  for (let t = 0; t < trials; t++) {
    const log = new QueryLog(table.cells, new TabularEvaluator('trial', table), silent, config.budget);
    const strategy = createBlackBoxStrategy(config, log, new Rng(seed).fork(`trial-${t}`), silent);
    let done = false;
    while (!done) ({ done } = await strategy.step());
    let best = -Infinity;
    let bestTest = Number.NaN;
    let reachedAt = 0;
    const add = (i: number): void => {
      curve[i] += bestTest;
      square[i] += bestTest * bestTest;
      if (reachedAt === 0 && target !== undefined && bestTest >= target) reachedAt = i + 1;
    };
    log.entries().forEach((q, i) => {
      if (q.metric > best) {
        best = q.metric;
        bestTest = q.test ?? Number.NaN;
      }
      add(i);
    });
    for (let i = log.used; i < limit; i++) add(i);
    if (reachedAt > 0) reach.push(reachedAt);
    tests.push(bestTest);
    vals.push(best);
    strategy.dispose();
  }
  const test = meanStd(tests);
  const reached = reach.length > 0 ? meanStd(reach) : { mean: Number.NaN, std: Number.NaN };
  return {
    trials,
    testMean: test.mean,
    testStd: test.std,
    valMean: meanStd(vals).mean,
    curve: [...curve].map((c) => c / trials),
    // Σx² − n·mean², over n − 1: the sample std of the incumbents at each query count
    curveStd: [...curve].map((c, i) => (trials > 1 ? Math.sqrt(Math.max(square[i] - (c * c) / trials, 0) / (trials - 1)) : 0)),
    toReach: target === undefined ? null : { target, reached: reach.length, ...reached },
    seconds: (performance.now() - started) / 1000,
  };
}
