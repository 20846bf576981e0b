import type { ProxyName } from '../../../../src-shared/model/proxies';
import type { ProxyDataset } from '../../proxies/data';
import { DEFAULT_PROXY_SETTINGS, ProxyScorer } from '../../proxies/scorer';
import type { ExtraOnes } from './predictors/features';
import type { CellSpace } from './spaces/cell-space';

/** Bins: the four quartiles of the cells fitted on, and one for a proxy that gives no number (NaN). */
const BINS = 5;

/**
 * A zero-cost proxy as an extra input of BANANAS's predictor (after Abdelfattah et al., ICLR 2021,
 * who feed zero-cost scores to predictor-based search): each cell's proxy value, as its quartile among
 * the cells the predictor is fitted on, one-hot. Quartiles instead of the raw value because the
 * predictor's MLP reads 0/1 inputs and proxies such as synflow span tens of orders of magnitude.
 * Values are computed once per cell and kept.
 */
export class ProxyQuartileFeature<A> implements ExtraOnes<A> {
  readonly size = BINS;
  /** By the cell's key. */
  private readonly values = new Map<string, number>();
  /** The fitted cells' values, ascending. */
  private fittedValues: number[] = [];

  private constructor(
    readonly proxy: ProxyName,
    private readonly cells: CellSpace<A>,
    private readonly scorer: ProxyScorer,
  ) {}

  static async create<A>(proxy: ProxyName, cells: CellSpace<A>, dataset: ProxyDataset, resourcesDir: string, seed: number): Promise<ProxyQuartileFeature<A>> {
    return new ProxyQuartileFeature(proxy, cells, await ProxyScorer.create(dataset, { ...DEFAULT_PROXY_SETTINGS, batchSize: 8, ntkBatchSize: 8, seed }, resourcesDir));
  }

  /** Scores the cells not scored yet and sets the quartiles from the `fitted` cells' values. */
  async prepare(fitted: readonly A[], others: readonly A[]): Promise<void> {
    for (const arch of [...fitted, ...others]) {
      const key = this.cells.key(arch);
      if (!this.values.has(key)) this.values.set(key, await this.scorer.score(this.cells.toGenotype(arch), this.proxy));
    }
    this.fittedValues = fitted.map((a) => this.values.get(this.cells.key(a))!).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  }

  ones(arch: A): number[] {
    const v = this.values.get(this.cells.key(arch));
    if (v === undefined) throw new Error(`the ${this.proxy} feature of cell ${this.cells.key(arch)} was not prepared`);
    if (Number.isNaN(v) || this.fittedValues.length === 0) return [BINS - 1];
    // The empirical quartile: the share of fitted values below v, in quarters.
    const below = this.fittedValues.filter((f) => f < v).length;
    return [Math.min(BINS - 2, Math.floor((4 * below) / this.fittedValues.length))];
  }

  dispose(): void {
    this.scorer.dispose();
  }
}
