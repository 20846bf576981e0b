import { resolve } from 'node:path';
import { resourcesDir as defaultResourcesDir } from '../../host/paths';
import { PREDICTOR_KINDS, type PredictorKind } from '../../../src-shared/model/algorithms/blackbox';
import { NB201_DATASETS, type Nb201Dataset, loadNb201 } from '../../engine/benchmarks/nb201';
import { selectBackend } from '../../engine/backend/select';
import { comparePredictors } from '../../engine/search/blackbox/predictor-comparison';
import { formatTable } from './benchmark';

export const PREDICTORS_USAGE = `  predictors --space nb201 --dataset cifar10 --train-sizes 20,50,100,200 --seeds 3 [--test-size 1000]
             [--predictors ${PREDICTOR_KINDS.join(',')}] [--pretrain-cells 2000] [--pretrain-epochs 8] [--save]
                      each predictor's Kendall τ and Spearman ρ on held-out cells per train size
                      (arch2vec with and without pretraining) and its fit time; --save stores it for the UI`;

export interface PredictorsArgs {
  space: string;
  dataset: string;
  trainSizes: string;
  seeds: string;
  testSize: string;
  predictors: string;
  pretrainCells: string;
  pretrainEpochs: string;
  json: boolean;
  resourcesDir?: string;
  /** Stores the comparison for the UI (`--save`); answers its id. */
  save?: (title: string, data: unknown) => Promise<number>;
}

/** Runs the predictor comparison and prints its table (or JSON). 0, or 2 for bad arguments. */
export async function runPredictorsCommand(args: PredictorsArgs, out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const fail = (message: string): number => {
    out(`predictors: ${message}`);
    return 2;
  };
  if (args.space !== 'nb201') return fail(`unknown space "${args.space}"; the comparison needs a benchmark table: "nb201"`);
  if (!(NB201_DATASETS as readonly string[]).includes(args.dataset)) return fail(`unknown dataset "${args.dataset}"; choose one of ${NB201_DATASETS.join(', ')}`);
  const ints = (text: string, name: string): number[] | string => {
    const values = text.split(',').map((x) => Number(x.trim()));
    return values.length > 0 && values.every((v) => Number.isInteger(v) && v >= 1) ? values : `--${name} must be positive whole numbers separated by commas, got "${text}"`;
  };
  const parsed = { trainSizes: ints(args.trainSizes, 'train-sizes'), seeds: ints(args.seeds, 'seeds'), testSize: ints(args.testSize, 'test-size'), pretrainCells: ints(args.pretrainCells, 'pretrain-cells'), pretrainEpochs: ints(args.pretrainEpochs, 'pretrain-epochs') };
  for (const v of Object.values(parsed)) if (typeof v === 'string') return fail(v);
  const predictors = args.predictors.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = predictors.filter((p) => !(PREDICTOR_KINDS as readonly string[]).includes(p));
  if (predictors.length === 0 || unknown.length > 0) return fail(`unknown predictors: ${unknown.join(', ') || '(none given)'}; choose from ${PREDICTOR_KINDS.join(', ')}`);
  const [trainSizes, [seeds], [testSize], [pretrainCells], [pretrainEpochs]] = Object.values(parsed) as number[][];
  const table = loadNb201(resolve(args.resourcesDir ?? defaultResourcesDir(), 'nb201'), args.dataset as Nb201Dataset);
  if (testSize + Math.max(...trainSizes) > table.cells.size) return fail(`--test-size ${testSize} plus the largest train size exceed the ${table.cells.size} cells`);
  const backend = await selectBackend();
  const options = { predictors: predictors as PredictorKind[], trainSizes, seeds, testSize, pretrainCells, pretrainEpochs };
  const rows = comparePredictors(table, options, err);
  if (args.save) {
    // through JSON: a NaN τ (a constant prediction) is stored as null
    const data = JSON.parse(JSON.stringify({ dataset: args.dataset, seeds, testSize, rows }));
    const id = await args.save(`predictors ${args.dataset}: n = ${trainSizes.join(', ')}, ${seeds} seed(s)`, data);
    err(`saved as comparison #${id} (the Predictors view shows it)`);
  }
  if (args.json) {
    out(JSON.stringify({ space: args.space, dataset: args.dataset, backend: backend.name, ...options, rows }, null, 2));
    return 0;
  }
  out(`NAS-Bench-201 ${args.dataset}: predictors fitted on n cells' validation accuracy, ranking ${testSize} held-out cells; ${seeds} seed(s), mean ± std (backend ${backend.name})`);
  out(formatTable([
    ['predictor', 'n', 'Kendall τ', 'Spearman ρ', 'fit s', 'pretrain s'],
    ...rows.map((r) => [r.label, String(r.trainSize), `${r.kendall.mean.toFixed(3)} ± ${r.kendall.std.toFixed(3)}`, `${r.spearman.mean.toFixed(3)} ± ${r.spearman.std.toFixed(3)}`, r.fitSeconds.toFixed(2), r.pretrainSeconds.toFixed(1)]),
  ]));
  return 0;
}
