import { resolve } from 'node:path';
import { resourcesDir as defaultResourcesDir } from '../../host/paths';
import { type BlackBoxConfig, BananasConfig, LocalSearchConfig, RandomSearchConfig, RegularizedEvolutionConfig } from '../../../src-shared/model/algorithms/blackbox';
import { NB201_DATASETS, type Nb201Dataset, loadNb201 } from '../../engine/benchmarks/nb201';
import { type TrialsSummary, runTrials } from '../../engine/search/blackbox/trials';
import { NoshConfig, RankNoshConfig } from '../../../src-shared/model/algorithms/nosh';
import { type EpochTrialsSummary, budgetToReach, runEpochTrials } from '../../engine/search/blackbox/nosh-trials';

export interface BenchmarkArgs {
  space: 'nb201';
  dataset: Nb201Dataset;
  strategies: string[];
  trials: number;
  budget: number;
  seed: number;
  /** Test accuracy (%) whose first query count is reported; the dataset's default when absent. */
  target?: number;
  json: boolean;
  /** Folder holding nb201/; the project's resources/ when absent. */
  resourcesDir?: string;
  /** Stores the comparison for the UI (`--save`); answers its id. */
  save?: (title: string, data: unknown) => Promise<number>;
}

/** Default targets for "queries to reach": about what random search reaches in 100 queries (docs/blackbox.md). */
export const DEFAULT_TARGETS: Record<Nb201Dataset, number> = { cifar10: 93.5, cifar100: 71, 'imagenet16-120': 45 };

const SCHEMAS = { random: RandomSearchConfig, rea: RegularizedEvolutionConfig, ls: LocalSearchConfig, bananas: BananasConfig } as const;
/** Strategies whose budget is counted in training epochs (on NB201's synthetic learning curves). */
const EPOCH_SCHEMAS = { nosh: NoshConfig, 'rank-nosh': RankNoshConfig } as const;
type StrategyName = keyof typeof SCHEMAS;
type EpochStrategyName = keyof typeof EPOCH_SCHEMAS;
const isStrategy = (s: string): s is StrategyName => Object.hasOwn(SCHEMAS, s);
const isEpochStrategy = (s: string): s is EpochStrategyName => Object.hasOwn(EPOCH_SCHEMAS, s);
/** Epochs of one NAS-Bench-201 training: what one tabular query stands for. */
const FULL_TRAINING = 200;

/**
 * Runs each black-box strategy (with its default settings) `trials` times on a tabular benchmark
 * and prints the mean ± std of the test accuracy reached, the queries needed to reach the target
 * accuracy, a few points of the best-so-far curve and the wall time; `--json` gives the whole
 * curves (mean and std per query). NOSH and Rank-NOSH get the same training budget in epochs
 * (budget × 200) on the NB201 synthetic learning curves, and a table puts every strategy on that
 * epoch axis. Exit code 0, or 2 for bad arguments.
 */
export async function runBenchmarkCommand(args: BenchmarkArgs, out: (s: string) => void): Promise<number> {
  if (args.space !== 'nb201') return fail(out, `unknown space "${args.space}"; the tabular benchmark has "nb201"`);
  if (!NB201_DATASETS.includes(args.dataset)) return fail(out, `unknown dataset "${args.dataset}"; choose one of ${NB201_DATASETS.join(', ')}`);
  const unknown = args.strategies.filter((s) => !isStrategy(s) && !isEpochStrategy(s));
  if (args.strategies.length === 0 || unknown.length > 0) {
    return fail(out, `unknown strategies: ${unknown.join(', ') || '(none given)'}; choose from ${[...Object.keys(SCHEMAS), ...Object.keys(EPOCH_SCHEMAS)].join(', ')}`);
  }
  for (const [key, min] of [['trials', 1], ['budget', 1], ['seed', 0]] as const) {
    if (!Number.isInteger(args[key]) || args[key] < min) return fail(out, `--${key} must be an integer ≥ ${min}, got ${args[key]}`);
  }
  const target = args.target ?? DEFAULT_TARGETS[args.dataset];
  if (!Number.isFinite(target) || target <= 0 || target > 100) return fail(out, `--target must be an accuracy in (0, 100] %, got ${args.target}`);
  const table = loadNb201(resolve(args.resourcesDir ?? defaultResourcesDir(), 'nb201'), args.dataset);
  const results: Record<string, TrialsSummary> = {};
  const epochResults: Record<string, EpochTrialsSummary> = {};
  for (const name of args.strategies) {
    if (isEpochStrategy(name)) {
      // The same training budget as `budget` tabular queries: budget × 200 epochs.
      const config = EPOCH_SCHEMAS[name].parse({ algorithm: name, seed: args.seed, budget: args.budget * FULL_TRAINING, evaluator: { kind: 'nb201-curves', dataset: args.dataset } });
      epochResults[name] = await runEpochTrials(config, table, args.trials, args.seed, FULL_TRAINING);
      continue;
    }
    if (!isStrategy(name)) continue;
    const config = SCHEMAS[name].parse({
      algorithm: name,
      seed: args.seed,
      budget: args.budget,
      evaluator: { kind: 'nb201-tabular', dataset: args.dataset },
    }) as BlackBoxConfig;
    results[name] = await runTrials(config, table, args.trials, args.seed, target);
  }
  if (args.save) {
    // through JSON: "never reached" (NaN) is stored as null
    const data = JSON.parse(JSON.stringify({ dataset: args.dataset, trials: args.trials, budget: args.budget, target, results }));
    const id = await args.save(`strategies ${args.dataset}: ${args.trials} trials × ${args.budget} queries`, data);
    if (!args.json) out(`saved as comparison #${id} (the Predictors view shows it)`);
  }
  if (args.json) {
    const { space, dataset, trials, budget, seed } = args;
    out(JSON.stringify({ space, dataset, trials, budget, seed, target, results, epochResults }, null, 2));
    return 0;
  }
  if (Object.keys(epochResults).length > 0) {
    printEpochTable(args, results, epochResults, out);
    if (Object.keys(results).length === 0) return 0;
  }
  const marks = [10, 25, 50, 100, 150, 300].filter((m) => m <= Math.min(args.budget, table.cells.size));
  const header = ['strategy', 'test acc (mean ± std)', 'val acc', `queries to ${target} %`, ...marks.map((m) => `@${m}`), 'wall s'];
  const rows = Object.entries(results).map(([name, r]) => [
    name,
    `${r.testMean.toFixed(2)} ± ${r.testStd.toFixed(2)}`,
    r.valMean.toFixed(2),
    r.toReach && r.toReach.reached > 0 ? `${r.toReach.mean.toFixed(1)} ± ${r.toReach.std.toFixed(1)} (${r.toReach.reached}/${r.trials})` : `never (0/${r.trials})`,
    ...marks.map((m) => r.curve[m - 1].toFixed(2)),
    r.seconds.toFixed(1),
  ]);
  out(`NAS-Bench-201 ${args.dataset}: ${args.trials} trials × ${args.budget} queries, seed ${args.seed}`);
  out(`(test accuracy of the best-validation cell found; queries until it first reached ${target} %, over the trials that did; @n: mean after n queries)`);
  out(formatTable([header, ...rows]));
  return 0;
}

/**
 * Query-counted and epoch-counted strategies on one axis, training epochs (a tabular query is one
 * full training, 200 epochs): the mean test accuracy of the answer after a few budgets (@E epochs;
 * NaN while a trial has no fully trained cell) and the epochs each needed to reach the lowest final
 * accuracy among them (a mean curve sampled every 200 epochs).
 */
function printEpochTable(args: BenchmarkArgs, results: Record<string, TrialsSummary>, epochResults: Record<string, EpochTrialsSummary>, out: (s: string) => void): void {
  const curves: [string, number[], string, string][] = [
    ...Object.entries(results).map(([name, r]): [string, number[], string, string] => [name, r.curve, `${r.testMean.toFixed(2)} ± ${r.testStd.toFixed(2)}`, `${r.curve.length} / ${r.curve.length}`]),
    ...Object.entries(epochResults).map(([name, r]): [string, number[], string, string] => [name, r.curve, `${r.testMean.toFixed(2)} ± ${r.testStd.toFixed(2)}`, `${r.fullMean.toFixed(1)} / ${r.cellsMean.toFixed(1)}`]),
  ];
  // NaN: a trial ended without a fully trained cell; such a curve sets no target.
  const target = Math.min(...curves.map(([, c]) => c[c.length - 1]).filter(Number.isFinite));
  const needs = curves.map(([, c]) => budgetToReach(c, FULL_TRAINING, target));
  const marks = [5, 10, 20, 30, 50, 100, 150].filter((m) => m <= args.budget);
  const header = ['strategy', 'test acc (mean ± std)', 'full trainings / cells', ...marks.map((m) => `@${m * FULL_TRAINING}`), `epochs to reach ${target.toFixed(2)}`, 'wall s'];
  const rows = curves.map(([name, curve, acc, cells], i) => [
    name,
    acc,
    cells,
    ...marks.map((m) => curve[m - 1].toFixed(2)),
    needs[i] === null ? 'never' : String(needs[i]),
    (results[name]?.seconds ?? epochResults[name].seconds).toFixed(1),
  ]);
  out(`NAS-Bench-201 ${args.dataset}, training epochs: ${args.trials} trials × ${args.budget * FULL_TRAINING} epochs (${args.budget} full trainings of 200 epochs), seed ${args.seed}`);
  out('(a tabular query is one full training; nosh/rank-nosh train on synthetic learning curves ending at the table values, see docs/blackbox.md)');
  out(formatTable([header, ...rows]));
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function fail(out: (s: string) => void, message: string): number {
  out(`benchmark: ${message}`);
  return 2;
}
