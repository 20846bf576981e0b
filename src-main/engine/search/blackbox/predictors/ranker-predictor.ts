import type { z } from 'zod';
import { RankerConfig } from '../../../../../src-shared/model/algorithms/nosh';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { ArchFeatures } from './features';
import { Gcn, gcnInput, type GcnInput } from './gcn';
import { PairwiseRanker, type RankedPair } from './pairwise-ranker';
import type { Prediction, Predictor } from './predictor';

/** Rank-NOSH's ranker settings (`maxPairs`: all n(n−1)/2 pairs when fewer, else drawn with replacement). */
export type RankerPredictorOptions = Pick<z.infer<typeof RankerConfig>, 'hidden' | 'epochs' | 'batchSize' | 'learningRate' | 'maxPairs'>;

/** Rank-NOSH's defaults with the GCN encoder, read from its schema, so the table compares the ranker Rank-NOSH fits. */
export const RANKER_PREDICTOR_DEFAULTS: RankerPredictorOptions = RankerConfig.parse({ encoder: 'gcn' });

/**
 * The pairwise ranker (Dudziak et al., NeurIPS 2020; the one Rank-NOSH fits) as a predictor: a GCN on
 * the cell graph trained on the ordered pairs of the labelled cells with the pairwise logistic loss.
 * Its `mean` is a score, meaningful only as an order (what Kendall τ and Spearman measure); it has
 * no uncertainty (`std` zeros).
 */
export class RankerPredictor<A> implements Predictor<A> {
  readonly name = 'ranker';
  private ranker: PairwiseRanker<GcnInput> | null = null;

  constructor(
    private readonly features: ArchFeatures<A>,
    private readonly options: RankerPredictorOptions = RANKER_PREDICTOR_DEFAULTS,
  ) {}

  fit(archs: readonly A[], ys: readonly number[], rng: Rng): void {
    const { hidden, maxPairs } = this.options;
    const pairs: RankedPair[] = [];
    const add = (i: number, j: number) => ys[i] !== ys[j] && pairs.push(ys[i] > ys[j] ? { better: i, worse: j } : { better: j, worse: i });
    const n = archs.length;
    if ((n * (n - 1)) / 2 <= maxPairs) for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(i, j);
    else for (let k = 0; k < maxPairs; k++) add(rng.int(n), rng.int(n));
    this.ranker = new PairwiseRanker(new Gcn(this.features.nodeTypes, hidden[0], rng));
    this.ranker.fit(archs.map((a) => gcnInput(this.features.graphs(a))), pairs, this.options, rng);
  }

  predict(archs: readonly A[]): Prediction {
    const ranker = this.ranker;
    if (!ranker) throw new Error('the ranker predicts only after fit');
    return { mean: Float64Array.from(archs, (a) => ranker.score(gcnInput(this.features.graphs(a)))), std: new Float64Array(archs.length) };
  }

  dispose(): void {
    this.ranker = null;
  }
}
