import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../../../src-shared/model/rng';
import { selectBackend } from '../../engine/backend/select';
import { loadNb201, NB201_DATASETS, type Nb201Table } from '../../engine/benchmarks/nb201';
import { proxyCorrelationRows, type ProxyScores, type TableCorrelation } from '../../engine/proxies/correlation';
import { describeProxyData, isProxyDataset, type ProxyDataset } from '../../engine/proxies/data';
import { isProxyName, PROXY_NAMES, type ProxyName } from '../../engine/proxies/registry';
import { batchSettingsKey, DEFAULT_PROXY_SETTINGS, ProxyScorer, type ProxySettings } from '../../engine/proxies/scorer';
import { Nb201Cells } from '../../engine/search/blackbox/spaces/nb201-cells';
import { resolveDataDir, resourcesDir as defaultResourcesDir, STORE_FILE } from '../../host/paths';
import { openStore, type ProxyScore, type ProxyScoreScope, type ProxyScoresRepo } from '../../store';
import { CliError } from '../cli-error';
import { ProgressBar } from '../progress';
import { formatTable } from './benchmark';

export const PROXIES_USAGE = `  proxies --space nb201 --dataset cifar10 --sample N [--seed S] [--batch B] [--ntk-batch B] [--proxies a,b] [--json]
                      every zero-cost proxy on N NAS-Bench-201 cells at initialization: Spearman and Kendall
                      correlation with the three datasets' validation and test accuracy, seconds per cell;
                      scores are cached in the store (a second call computes nothing); --proxies: only these`;

/** One proxy's line of the report. */
export interface ProxyReportRow {
  proxy: ProxyName;
  /** Mean seconds per cell (as cached, i.e. when it was computed). */
  secondsPerCell: number;
  /** Cells with a number (NaN left out). */
  used: number;
  tables: TableCorrelation[];
}

export interface ProxyReport {
  space: 'nb201';
  dataset: ProxyDataset;
  sample: number;
  settings: ProxySettings;
  /** The proxies computed and reported (all by default). */
  proxies: ProxyName[];
  data: string;
  /** The cells' NAS-Bench-201 arch strings, in the order of `scores`. */
  cells: string[];
  scores: Partial<Record<ProxyName, number[]>>;
  rows: ProxyReportRow[];
  /** Seconds this call spent computing (0 when everything came from the cache). */
  computedSeconds: number;
}

function wholeNumber(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${name} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

/**
 * Scores `cells` with `proxies`, reading what the cache holds and computing (and caching, one
 * transaction per cell) the rest; `progress` after each cell.
 */
export async function scoreNb201Cells(
  cache: ProxyScoresRepo,
  scope: ProxyScoreScope,
  scorer: ProxyScorer,
  arches: readonly string[],
  proxies: readonly ProxyName[],
  progress: (done: number) => void,
): Promise<{ scores: Map<string, ProxyScore>; computedSeconds: number }> {
  const key = (cell: string, proxy: string): string => `${proxy}\u0000${cell}`;
  const scores = new Map(cache.list(scope).map((s) => [key(s.cell, s.proxy), s]));
  const cells = new Nb201Cells();
  let computedSeconds = 0;
  for (const [done, arch] of arches.entries()) {
    const missing = proxies.filter((proxy) => !scores.has(key(arch, proxy)));
    const computed = missing.length > 0 ? await scorer.scoreAll(cells.toGenotype(cells.fromArchString(arch)), missing) : new Map();
    const fresh: ProxyScore[] = [...computed].map(([proxy, r]) => ({ cell: arch, proxy, value: r.value, seconds: r.seconds }));
    if (fresh.length > 0) {
      cache.put(scope, fresh);
      for (const s of fresh) {
        scores.set(key(s.cell, s.proxy), s);
        computedSeconds += s.seconds;
      }
    }
    progress(done + 1);
  }
  return { scores, computedSeconds };
}

/** The report of scored cells against the benchmark tables. */
export function proxyReport(base: Omit<ProxyReport, 'scores' | 'rows' | 'computedSeconds'>, scores: Map<string, ProxyScore>, tables: readonly Nb201Table[], computedSeconds: number): ProxyReport {
  const cells = new Nb201Cells();
  const found = Object.fromEntries(base.proxies.map((proxy) => [proxy, base.cells.map((arch) => scores.get(`${proxy}\u0000${arch}`)!)])) as Record<ProxyName, ProxyScore[]>;
  const byProxy = new Map<ProxyName, ProxyScores>(base.proxies.map((p) => [p, { values: found[p].map((s) => s.value), seconds: found[p].map((s) => s.seconds) }]));
  const rows = proxyCorrelationRows(base.cells.map((arch) => cells.fromArchString(arch)), byProxy, tables) as ProxyReportRow[];
  const all = Object.fromEntries(base.proxies.map((p) => [p, byProxy.get(p)!.values])) as Partial<Record<ProxyName, number[]>>;
  return { ...base, scores: all, rows, computedSeconds };
}

function printReport(report: ProxyReport, out: (s: string) => void): void {
  const { settings } = report;
  out(`zero-cost proxies on ${report.sample} NAS-Bench-201 cells, ${report.dataset} input, seed ${settings.seed}, batch ${settings.batchSize} (NTK ${settings.ntkBatchSize}, ${settings.regionSamples} crops)`);
  out(report.data);
  const fmt = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  const header = ['proxy', 's/cell', ...NB201_DATASETS.flatMap((d) => [`${d} val ρ`, 'τ', 'test ρ', 'τ'])];
  const rows = report.rows.map((r) => [
    `${r.proxy}${r.used < report.sample ? ` (${r.used})` : ''}`,
    r.secondsPerCell.toFixed(2),
    ...r.tables.flatMap((t) => [fmt(t.val.spearman), fmt(t.val.kendall), fmt(t.test.spearman), fmt(t.test.kendall)]),
  ]);
  out(formatTable([header, ...rows]));
  out(`(ρ Spearman, τ Kendall τ-b against NAS-Bench-201's 200-epoch accuracy; tenas_ntk: lower is better, so its correlations are negative when it works; (n): cells with a number)`);
  out(report.computedSeconds > 0 ? `computed now: ${report.computedSeconds.toFixed(0)} s of proxy work; the rest came from the cache` : 'every score came from the cache');
}

/** `proxies`: exit code 0, or 2 for bad arguments. */
export async function runProxiesCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string', default: 'nb201' },
      dataset: { type: 'string', default: 'cifar10' },
      sample: { type: 'string' },
      seed: { type: 'string', default: '0' },
      batch: { type: 'string' },
      'ntk-batch': { type: 'string' },
      proxies: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.space !== 'nb201') throw new CliError(`proxies correlates with NAS-Bench-201's accuracies: --space must be nb201, got '${values.space}'`);
  const dataset = values.dataset ?? 'cifar10';
  if (!isProxyDataset(dataset) || dataset === 'fashion-mnist') throw new CliError(`unknown dataset '${dataset}'; choose one of ${NB201_DATASETS.join(', ')}`);
  const sample = wholeNumber(values.sample, '--sample', 2);
  if (sample === undefined) throw new CliError(`proxies needs --sample N (cells to score)\n\n${PROXIES_USAGE}`);
  const settings: ProxySettings = {
    ...DEFAULT_PROXY_SETTINGS,
    seed: wholeNumber(values.seed, '--seed', 0) ?? 0,
    batchSize: wholeNumber(values.batch, '--batch', 2) ?? DEFAULT_PROXY_SETTINGS.batchSize,
    ntkBatchSize: wholeNumber(values['ntk-batch'], '--ntk-batch', 2) ?? DEFAULT_PROXY_SETTINGS.ntkBatchSize,
  };
  const proxies = values.proxies === undefined ? [...PROXY_NAMES] : values.proxies.split(',').map((p) => p.trim());
  const unknown = proxies.filter((p) => !isProxyName(p));
  if (unknown.length > 0 || proxies.length === 0) throw new CliError(`unknown proxy '${unknown[0] ?? ''}' in --proxies; choose from ${PROXY_NAMES.join(', ')}`);
  const resources = defaultResourcesDir();
  const tables = NB201_DATASETS.map((d) => loadNb201(resolve(resources, 'nb201'), d));
  const space = new Nb201Cells();
  if (sample > space.size) throw new CliError(`--sample must be at most ${space.size} (NAS-Bench-201's cells), got ${sample}`);
  const order = new Rng(settings.seed).fork('proxy-sample').shuffle(Array.from({ length: space.size }, (_, i) => i));
  const arches = order.slice(0, sample).map((i) => space.toArchString(i));

  await selectBackend();
  const store = openStore(join(resolveDataDir(values['data-dir']), STORE_FILE));
  const scope: ProxyScoreScope = { space: 'nb201', dataset, seed: settings.seed, settings: batchSettingsKey(settings) };
  const scorer = await ProxyScorer.create(dataset, settings, resources);
  const bar = new ProgressBar();
  try {
    const { scores, computedSeconds } = await scoreNb201Cells(store.proxyScores, scope, scorer, arches, proxies as ProxyName[], (done) => bar.update(done, sample));
    bar.end();
    const report = proxyReport({ space: 'nb201', dataset, sample, settings, proxies: proxies as ProxyName[], data: describeProxyData(dataset), cells: arches }, scores, tables, computedSeconds);
    if (values.json) out(JSON.stringify(report));
    else printReport(report, out);
    return 0;
  } finally {
    scorer.dispose();
    store.close();
  }
}

