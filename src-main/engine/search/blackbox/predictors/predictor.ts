import type { Rng } from '../../../../../src-shared/model/rng';

export interface Prediction {
  mean: Float64Array;
  /** The predictor's own uncertainty (ensemble spread, posterior std); zeros when it has none. */
  std: Float64Array;
}

/**
 * A performance predictor: fitted on queried cells and their metrics, it predicts a mean and an
 * uncertainty for unseen cells. `fit` starts afresh from its arguments each time (what a predictor
 * learned without labels, such as arch2vec's pretraining, is kept across fits). `dispose` frees
 * what it holds (tensors).
 */
export interface Predictor<A> {
  readonly name: string;
  fit(archs: readonly A[], ys: readonly number[], rng: Rng): void;
  predict(archs: readonly A[]): Prediction;
  dispose(): void;
}

/** Targets standardised to mean 0 and (population) std 1, with the map back. */
export function standardise(ys: readonly number[]): { zs: number[]; shift: number; spread: number } {
  if (ys.length === 0) throw new RangeError('a predictor needs at least one queried cell to fit');
  const shift = ys.reduce((s, y) => s + y, 0) / ys.length;
  const sd = Math.sqrt(ys.reduce((s, y) => s + (y - shift) ** 2, 0) / ys.length);
  const spread = sd > 1e-9 ? sd : 1;
  return { zs: ys.map((y) => (y - shift) / spread), shift, spread };
}
