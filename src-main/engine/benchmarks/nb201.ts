import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nb201Cells } from '../search/blackbox/spaces/nb201-cells';

export const NB201_DATASETS = ['cifar10', 'cifar100', 'imagenet16-120'] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

/**
 * All 15,625 cells of NAS-Bench-201 for one dataset, as arrays indexed by `Nb201Cells` index:
 * validation and test accuracy (%) after 200 epochs.
 */
export interface Nb201Table {
  dataset: Nb201Dataset;
  cells: Nb201Cells;
  val: Float64Array;
  test: Float64Array;
}

/**
 * Figures the loaded table must reproduce, rounded to two decimals (from the project's shared data notes,
 * which states them for the committed source files). A mismatch means a wrong or damaged file.
 */
const CHECKS: Record<Nb201Dataset, { bestTest: number; meanTest?: number; bestVal?: number }> = {
  cifar10: { bestTest: 94.37, meanTest: 87.06, bestVal: 91.61 },
  cifar100: { bestTest: 73.51, bestVal: 73.49 },
  'imagenet16-120': { bestTest: 47.31 },
};

interface SourceRow {
  val_acc_200: number;
  test_acc_200: number;
}

/** Reads `<dir>/<dataset>.json` (the format of resources/nb201/, see its PROVENANCE.md) and validates it. */
export function loadNb201(dir: string, dataset: Nb201Dataset): Nb201Table {
  if (!NB201_DATASETS.includes(dataset)) {
    throw new RangeError(`unknown NB201 dataset "${dataset}"; choose one of ${NB201_DATASETS.join(', ')}`);
  }
  const file = join(dir, `${dataset}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`cannot read the NAS-Bench-201 table ${file}; run "npx tsx scripts/copy-nb201.ts" to create it`, { cause });
  }
  return parseNb201(raw, dataset, file);
}

export function parseNb201(raw: unknown, dataset: Nb201Dataset, source: string): Nb201Table {
  const cells = new Nb201Cells();
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source}: expected an object keyed by NB201 arch string`);
  const val = new Float64Array(cells.size).fill(Number.NaN);
  const test = new Float64Array(cells.size).fill(Number.NaN);
  let count = 0;
  for (const [arch, row] of Object.entries(raw as Record<string, SourceRow>)) {
    const i = cells.fromArchString(arch);
    if (!Number.isFinite(row?.val_acc_200) || !Number.isFinite(row?.test_acc_200)) {
      throw new Error(`${source}: ${arch} lacks numeric val_acc_200 / test_acc_200`);
    }
    if (!Number.isNaN(val[i])) throw new Error(`${source}: ${arch} appears twice`);
    val[i] = row.val_acc_200;
    test[i] = row.test_acc_200;
    count++;
  }
  if (count !== cells.size) throw new Error(`${source}: ${count} cells, NAS-Bench-201 has ${cells.size}`);
  validate({ dataset, cells, val, test }, source);
  return { dataset, cells, val, test };
}

function validate(table: Nb201Table, source: string): void {
  const check = CHECKS[table.dataset];
  const round = (x: number): number => Math.round(x * 100) / 100;
  const max = (a: Float64Array): number => a.reduce((m, x) => Math.max(m, x), -Infinity);
  const found = {
    bestTest: round(max(table.test)),
    meanTest: round(table.test.reduce((s, x) => s + x, 0) / table.test.length),
    bestVal: round(max(table.val)),
  };
  for (const key of ['bestTest', 'meanTest', 'bestVal'] as const) {
    const want = check[key];
    if (want !== undefined && found[key] !== want) {
      throw new Error(`${source}: ${table.dataset} ${key} is ${found[key]}, NAS-Bench-201 gives ${want}; the file is not the benchmark`);
    }
  }
}
