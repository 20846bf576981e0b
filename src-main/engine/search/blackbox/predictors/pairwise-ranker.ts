import type { Rng } from '../../../../../src-shared/model/rng';
import { FlatAdam } from '../../../optim/flat-adam';
import type { FlatNetwork, TrainOptions } from './network';

/** An ordered pair of examples: `better` ranks above `worse`. */
export interface RankedPair {
  better: number;
  worse: number;
}

/**
 * The pairwise logistic (RankNet) loss of a scorer over ordered pairs, mean over pairs:
 * L = (1/P) Σ log(1 + exp(s_worse − s_better)). Only the order of the scores matters, so partial
 * results measured at different budgets are comparable when each pair is taken at a budget both of
 * its cells reached (Rank-NOSH's point: a ranker needs orders, not accuracies).
 * Returns the loss; `dScores[i]` gets dL/ds_i added.
 */
export function pairwiseLoss(scores: ArrayLike<number>, pairs: readonly RankedPair[], dScores?: Float64Array): number {
  if (pairs.length === 0) return 0;
  let loss = 0;
  for (const { better, worse } of pairs) {
    const margin = scores[worse] - scores[better];
    // log(1 + e^m) computed without overflow for large |m|.
    loss += margin > 0 ? margin + Math.log1p(Math.exp(-margin)) : Math.log1p(Math.exp(margin));
    if (dScores) {
      const sigma = 1 / (1 + Math.exp(-margin));
      dScores[better] -= sigma / pairs.length;
      dScores[worse] += sigma / pairs.length;
    }
  }
  return loss / pairs.length;
}

/**
 * A pairwise ranker in the style of BRP-NAS (Dudziak et al., NeurIPS 2020), as Rank-NOSH uses it: a
 * network scores one cell (the MLP on the space's one-hot encoding, or BANANAS's GCN for NB201), and
 * is trained by Adam on the pairwise logistic loss over ordered pairs, so it learns an order, not
 * accuracies. Its output is a score, meaningful only compared with other cells' scores.
 */
export class PairwiseRanker<X> {
  constructor(readonly net: FlatNetwork<X>) {}

  /** Adam over shuffled mini-batches of pairs; `xs` are the encoded cells the pairs index. */
  fit(xs: readonly X[], pairs: readonly RankedPair[], options: TrainOptions, rng: Rng): void {
    if (pairs.length === 0) return;
    for (const { better, worse } of pairs) {
      if (!(better >= 0 && better < xs.length && worse >= 0 && worse < xs.length) || better === worse) {
        throw new RangeError(`a ranked pair (${better}, ${worse}) must name two different cells among ${xs.length}`);
      }
    }
    const { epochs, batchSize, learningRate } = options;
    const grads = new Float64Array(this.net.params.length);
    const adam = new FlatAdam(this.net.params, learningRate);
    const order = pairs.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < order.length; start += batchSize) {
        grads.fill(0);
        this.addGradient(
          xs,
          order.slice(start, start + batchSize).map((i) => pairs[i]),
          grads,
        );
        adam.step(grads);
      }
    }
  }

  /** The mean pairwise loss over `pairs`; adds its gradient with respect to the network's parameters to `grads`. */
  addGradient(xs: readonly X[], pairs: readonly RankedPair[], grads: Float64Array): number {
    const used = [...new Set(pairs.flatMap((p) => [p.better, p.worse]))];
    const scores = new Float64Array(xs.length);
    for (const i of used) scores[i] = this.net.forward(xs[i]);
    const dScores = new Float64Array(xs.length);
    const loss = pairwiseLoss(scores, pairs, dScores);
    // The chain rule per cell: dL/dθ = Σ_i dL/ds_i · ds_i/dθ.
    for (const i of used) this.net.backward(xs[i], grads, () => dScores[i]);
    return loss;
  }

  score(x: X): number {
    return this.net.forward(x);
  }
}
