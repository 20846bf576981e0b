import { resolve } from 'node:path';
import { NB201_DATASETS, type Nb201Dataset, loadNb201 } from '../../engine/benchmarks/nb201';
import { analyseLandscape } from '../../engine/search/blackbox/landscape';
import { resourcesDir as defaultResourcesDir } from '../../host/paths';

export interface LandscapeArgs {
  space: 'nb201';
  dataset: Nb201Dataset;
  metric: 'val' | 'test';
  json: boolean;
  resourcesDir?: string;
}

/**
 * Landscape statistics of NAS-Bench-201 under the one-edge neighbourhood (see docs/blackbox.md for
 * the definition of a descent). Exit code 0, or 2 for bad arguments.
 */
export async function runLandscapeCommand(args: LandscapeArgs, out: (s: string) => void): Promise<number> {
  if (args.space !== 'nb201') return fail(out, `unknown space "${args.space}"; landscape analysis has "nb201"`);
  if (!NB201_DATASETS.includes(args.dataset)) return fail(out, `unknown dataset "${args.dataset}"; choose one of ${NB201_DATASETS.join(', ')}`);
  if (args.metric !== 'val' && args.metric !== 'test') return fail(out, `unknown metric "${args.metric}"; choose val or test`);
  const table = loadNb201(resolve(args.resourcesDir ?? defaultResourcesDir(), 'nb201'), args.dataset);
  const s = analyseLandscape(table.cells, table[args.metric]);
  if (args.json) {
    out(JSON.stringify({ space: args.space, dataset: args.dataset, metric: args.metric, cells: table.cells.size, ...s, globalOptima: s.globalOptima.map((c) => table.cells.toArchString(c)) }, null, 2));
    return 0;
  }
  out(`NAS-Bench-201 ${args.dataset}, ${args.metric} accuracy, one-edge neighbourhood (${table.cells.size} cells)`);
  out(`local optima: ${s.localOptima}`);
  out(`descents ending at the global optimum: ${(100 * s.globalReachShare).toFixed(2)} %`);
  out(`mean iterations of a descent: ${s.meanIterations.toFixed(3)}`);
  out(`global optimum: ${s.globalBest.toFixed(2)} at ${s.globalOptima.map((c) => table.cells.toArchString(c)).join(', ')}`);
  return 0;
}

function fail(out: (s: string) => void, message: string): number {
  out(`landscape: ${message}`);
  return 2;
}
