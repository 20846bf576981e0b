import type { BlackBoxEvaluatorConfig, WarmStartConfig } from '../../../../src-shared/model/algorithms/blackbox';
import type { Rng } from '../../../../src-shared/model/rng';
import type { ProxyDataset } from '../../proxies/data';
import { higherIsBetter } from '../../proxies/registry';
import { DEFAULT_PROXY_SETTINGS, ProxyScorer } from '../../proxies/scorer';
import type { Reporter } from '../strategy';
import type { CellSpace } from './spaces/cell-space';

/** The dataset whose input shape and class count the proxies use: the evaluator's. */
export function proxyDatasetOf(evaluator: BlackBoxEvaluatorConfig): ProxyDataset {
  if (evaluator.kind === 'nb201-tabular') return evaluator.dataset;
  const name = evaluator.dataset.name;
  return name === 'cifar10' || name === 'cifar100' ? name : 'fashion-mnist';
}

/**
 * Abdelfattah et al.'s warmup: `candidates` distinct random cells scored with the proxy, best first
 * (NaN last; ties in draw order). Deterministic in the seed, so a resumed run recomputes the same
 * list instead of saving it; a strategy skips the cells its log already holds.
 */
export async function proxyRankedCells<A>(
  cells: CellSpace<A>,
  warm: WarmStartConfig,
  dataset: ProxyDataset,
  resourcesDir: string,
  seed: number,
  rng: Rng,
  reporter: Reporter,
): Promise<A[]> {
  const drawn = new Map<string, A>();
  for (let tries = 0; drawn.size < Math.min(warm.candidates, cells.size) && tries < 10 * warm.candidates; tries++) {
    const arch = cells.sample(rng);
    if (!drawn.has(cells.key(arch))) drawn.set(cells.key(arch), arch);
  }
  const started = performance.now();
  const scorer = await ProxyScorer.create(dataset, { ...DEFAULT_PROXY_SETTINGS, batchSize: warm.batchSize, ntkBatchSize: warm.batchSize, seed }, resourcesDir);
  const scored: { arch: A; value: number; order: number }[] = [];
  try {
    for (const arch of drawn.values()) scored.push({ arch, value: await scorer.score(cells.toGenotype(arch), warm.proxy), order: scored.length });
  } finally {
    scorer.dispose();
  }
  const sign = higherIsBetter(warm.proxy) ? -1 : 1;
  scored.sort((a, b) => {
    if (Number.isNaN(a.value) !== Number.isNaN(b.value)) return Number.isNaN(a.value) ? 1 : -1;
    return (a.value === b.value || Number.isNaN(a.value) ? 0 : sign * (a.value > b.value ? 1 : -1)) || a.order - b.order;
  });
  reporter.log('info', `warm start: ${scored.length} cells scored with ${warm.proxy} in ${((performance.now() - started) / 1000).toFixed(1)} s; they are queried best-first`);
  return scored.map((s) => s.arch);
}
