import { type NoshConfig, type RankNoshConfig, noshLevels } from '../../../../src-shared/model/algorithms/nosh';
import { Rng } from '../../../../src-shared/model/rng';
import type { Reporter } from '../strategy';
import { CurveEvaluator, nb201SyntheticCurves } from './evaluators/learning-curves';
import type { LookupTable } from './evaluators/tabular-evaluator';
import { createNosh } from './nosh-factory';

export interface EpochTrialsSummary {
  trials: number;
  /** Test accuracy of the answer (best cell of the highest level reached) each trial ended with. */
  testMean: number;
  testStd: number;
  /** Mean over trials of the answer's test accuracy after every `every` epochs (NaN while a trial has no fully trained cell). */
  curve: number[];
  every: number;
  /** Cells admitted to the pyramid and cells trained the full budget, mean per trial. */
  cellsMean: number;
  fullMean: number;
  seconds: number;
}

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

/**
 * Runs NOSH or Rank-NOSH `trials` times on NAS-Bench-201's synthetic learning curves (the config's
 * `nb201-curves` evaluator; `config.budget` epochs each). Trial t draws from
 * `new Rng(seed).fork('trial-t')`, as `runTrials` does for the query-counted strategies.
 */
export async function runEpochTrials(config: NoshConfig | RankNoshConfig, table: LookupTable, trials: number, seed: number, every: number): Promise<EpochTrialsSummary> {
  if (config.evaluator.kind !== 'nb201-curves') throw new RangeError(`epoch trials run on the nb201-curves evaluator, not ${config.evaluator.kind}`);
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer, got ${trials}`);
  const started = performance.now();
  const curves = nb201SyntheticCurves(table, config.evaluator.curveSeed);
  const points = Math.floor(config.budget / every);
  const top = noshLevels(config).length;
  const curve = new Float64Array(points);
  const tests: number[] = [];
  let cells = 0;
  let full = 0;
  for (let t = 0; t < trials; t++) {
    const evaluator = new CurveEvaluator('trial', table.cells, 200, curves);
    const nosh = createNosh(config, table.cells, evaluator, new Rng(seed).fork(`trial-${t}`), silent);
    const answerTest = () => (nosh.incumbent?.level === top ? (nosh.incumbent.test ?? Number.NaN) : Number.NaN);
    let done = false;
    let recorded = 0;
    while (!done) {
      ({ done } = await nosh.step());
      for (; recorded < Math.min(points, Math.floor(nosh.epochsSpent / every)); recorded++) curve[recorded] += answerTest();
    }
    // A run that ran out of cells before its budget keeps its answer for the rest of the curve.
    for (; recorded < points; recorded++) curve[recorded] += answerTest();
    tests.push(answerTest());
    cells += nosh.pyramid.length;
    full += nosh.pyramid.filter((c) => c.level === top).length;
    nosh.dispose();
  }
  const mean = tests.reduce((s, x) => s + x, 0) / trials;
  const std = trials > 1 ? Math.sqrt(tests.reduce((s, x) => s + (x - mean) ** 2, 0) / (trials - 1)) : 0;
  return {
    trials,
    testMean: mean,
    testStd: std,
    curve: [...curve].map((c) => c / trials),
    every,
    cellsMean: cells / trials,
    fullMean: full / trials,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The first point of a mean curve (sampled every `every` units) at or above `target`, in units;
 * null when never reached.
 */
export function budgetToReach(curve: readonly number[], every: number, target: number): number | null {
  const i = curve.findIndex((v) => v >= target);
  return i < 0 ? null : (i + 1) * every;
}
