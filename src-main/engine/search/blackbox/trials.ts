import type { BlackBoxConfig } from '../../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../../src-shared/model/rng';
import type { Reporter } from '../strategy';
import { createBlackBoxStrategy } from './factory';
import { QueryLog } from './query-log';
import { type LookupTable, TabularEvaluator } from './evaluators/tabular-evaluator';

export interface TrialsSummary {
  trials: number;
  /** Test accuracy of the cell with the best validation accuracy each trial found. */
  testMean: number;
  testStd: number;
  valMean: number;
  /** Mean over trials of the incumbent's test accuracy after 1, 2, ..., budget queries. */
  curve: number[];
  seconds: number;
}

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

/**
 * Runs one black-box config `trials` times on a lookup table. Trial t draws from
 * `new Rng(seed).fork('trial-t')`, the same stream whatever the strategy, so a figure is
 * reproducible from the seed and strategies start from the same random numbers.
 */
export async function runTrials(config: BlackBoxConfig, table: LookupTable, trials: number, seed: number): Promise<TrialsSummary> {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  const started = performance.now();
  const tests: number[] = [];
  const vals: number[] = [];
  const limit = Math.min(config.budget, table.cells.size);
  const curve = new Float64Array(limit);
  for (let t = 0; t < trials; t++) {
    const log = new QueryLog(table.cells, new TabularEvaluator('trial', table), silent, config.budget);
    const strategy = createBlackBoxStrategy(config, log, new Rng(seed).fork(`trial-${t}`), silent);
    let done = false;
    while (!done) ({ done } = await strategy.step());
    let best = -Infinity;
    let bestTest = Number.NaN;
    log.entries().forEach((q, i) => {
      if (q.metric > best) {
        best = q.metric;
        bestTest = q.test ?? Number.NaN;
      }
      curve[i] += bestTest;
    });
    for (let i = log.used; i < limit; i++) curve[i] += bestTest;
    tests.push(bestTest);
    vals.push(best);
    strategy.dispose();
  }
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const testMean = mean(tests);
  const testStd = trials > 1 ? Math.sqrt(tests.reduce((s, x) => s + (x - testMean) ** 2, 0) / (trials - 1)) : 0;
  return {
    trials,
    testMean,
    testStd,
    valMean: mean(vals),
    curve: [...curve].map((c) => c / trials),
    seconds: (performance.now() - started) / 1000,
  };
}
