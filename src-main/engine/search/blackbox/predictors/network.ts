import type { Rng } from '../../../../../src-shared/model/rng';
import { FlatAdam } from '../../../optim/flat-adam';

/**
 * A small network whose parameters live in one flat array, with a hand-written gradient. Plain
 * TypeScript, not TensorFlow.js: the predictors have a few thousand weights and see at most a few
 * hundred examples, where tfjs's per-op dispatch would cost more than the arithmetic.
 */
export interface FlatNetwork<X> {
  readonly params: Float64Array;
  /** The prediction for `x`. */
  forward(x: X): number;
  /** The prediction for `x`; adds `dLoss/dOutput × dOutput/dParams` times `scale` to `grads`. */
  backward(x: X, grads: Float64Array, scale: (output: number) => number): number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/**
 * Fits a network by Adam (optim/flat-adam.ts: β1 0.9, β2 0.999, ε 1e-7 as Keras, which BANANAS used) on
 * the mean absolute error, BANANAS's loss, over shuffled mini-batches.
 */
export function trainL1<X>(net: FlatNetwork<X>, xs: readonly X[], ys: readonly number[], options: TrainOptions, rng: Rng): void {
  const { epochs, batchSize, learningRate } = options;
  const grads = new Float64Array(net.params.length);
  const adam = new FlatAdam(net.params, learningRate);
  const order = xs.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      grads.fill(0);
      for (const i of batch) net.backward(xs[i], grads, (out) => Math.sign(out - ys[i]) / batch.length);
      adam.step(grads);
    }
  }
}

/** Glorot-uniform initial weights (Keras's default for Dense) for a `fanIn × fanOut` block. */
export function glorot(target: Float64Array, offset: number, fanIn: number, fanOut: number, rng: Rng): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let k = 0; k < fanIn * fanOut; k++) target[offset + k] = (2 * rng.next() - 1) * limit;
}
