import { resolve } from 'node:path';
import type { ProxyScope, ProxyTable } from '../../src-shared/model/proxies';
import { PROXY_NAMES } from '../../src-shared/model/proxies';
import { loadNb201, NB201_DATASETS, type Nb201Table } from '../engine/benchmarks/nb201';
import { proxyCorrelationRows, type ProxyScores } from '../engine/proxies/correlation';
import { Nb201Cells } from '../engine/search/blackbox/spaces/nb201-cells';
import type { Store } from '../store';
import { resourcesDir } from './paths';

let tables: Nb201Table[] | null = null;
/** The three NAS-Bench-201 tables, read once (a few MB of JSON) on the first request that needs them. */
const nb201Tables = (): Nb201Table[] => (tables ??= NB201_DATASETS.map((d) => loadNb201(resolve(resourcesDir(), 'nb201'), d)));

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The Proxies view's data, read from the cache the `proxies` command fills: the scopes held, and
 * for the asked one (else the one with most cells) the cells every proxy has scored, their values,
 * the correlations with NAS-Bench-201 and the cells' accuracies. Reading and ranking 1,000 cells is
 * milliseconds; nothing is computed here that needs TensorFlow.
 */
export function proxyTable(store: Store, asked: ProxyScope | undefined): ProxyTable {
  const scopes = store.proxyScores.scopes();
  const scope = asked ?? [...scopes].sort((a, b) => b.cells - a.cells)[0] ?? null;
  if (scope === null || scope.space !== 'nb201') return { scopes, scope, cells: [], rows: [], values: {}, accuracy: {} };
  const byCell = new Map<string, Map<string, { value: number; seconds: number }>>();
  for (const s of store.proxyScores.list(scope)) {
    if (!byCell.has(s.cell)) byCell.set(s.cell, new Map());
    byCell.get(s.cell)!.set(s.proxy, s);
  }
  const cells = [...byCell.keys()].filter((c) => PROXY_NAMES.every((p) => byCell.get(c)!.has(p))).sort();
  const space = new Nb201Cells();
  const indices = cells.map((c) => space.fromArchString(c));
  const scores = new Map<string, ProxyScores>(
    PROXY_NAMES.map((p) => [p, { values: cells.map((c) => byCell.get(c)!.get(p)!.value), seconds: cells.map((c) => byCell.get(c)!.get(p)!.seconds) }]),
  );
  const rows = proxyCorrelationRows(indices, scores, nb201Tables()).map((r) => ({
    ...r,
    proxy: r.proxy as ProxyTable['rows'][number]['proxy'],
    tables: r.tables.map((t) => ({
      dataset: t.dataset,
      val: { spearman: finiteOrNull(t.val.spearman), kendall: finiteOrNull(t.val.kendall) },
      test: { spearman: finiteOrNull(t.test.spearman), kendall: finiteOrNull(t.test.kendall) },
    })),
  }));
  return {
    scopes,
    scope,
    cells,
    rows,
    values: Object.fromEntries([...scores].map(([p, s]) => [p, s.values.map(finiteOrNull)])),
    accuracy: Object.fromEntries(nb201Tables().map((t) => [t.dataset, { val: indices.map((i) => t.val[i]), test: indices.map((i) => t.test[i]) }])),
  };
}
