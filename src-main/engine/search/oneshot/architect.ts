import * as tf from '@tensorflow/tfjs';
import { archVariables, softmaxWeights } from '../../supernet/arch-params';
import { crossEntropy } from '../../evaluate/classification';
import type { Supernet } from '../../supernet/types';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { AdamL2, globalNorm, gradsInOrder, type SgdMomentum } from '../../optim/optimizers';

export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

export interface ArchitectOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  unrolled: boolean;
  /** The weights' optimizer settings, used to build the one-step look-ahead w'. */
  networkMomentum: number;
  networkWeightDecay: number;
  /** Length of the Hessian-vector product's weight displacement, ε·‖v‖; DARTS's `r = 1e-2`. */
  hvpRadius?: number;
}

/**
 * DARTS's Architect (`architect.py`): updates α by Adam on the validation loss, with either the
 * first-order gradient ∇α L_val(w, α) or the unrolled one
 *   ∇α L_val(w', α) − ξ·[∇α L_train(w⁺, α) − ∇α L_train(w⁻, α)] / 2ε,
 * w' = w − ξ(μ·buf + ∇w L_train(w, α) + wd·w), w± = w ± ε·∇w' L_val(w', α), ε = 0.01/‖∇w' L_val‖.
 */
export class Architect {
  private readonly optimizer: AdamL2;

  constructor(
    private readonly net: Supernet,
    private readonly options: ArchitectOptions,
    private readonly weightOptimizer: SgdMomentum,
  ) {
    this.optimizer = new AdamL2(options.learningRate, options.beta1, options.beta2, options.weightDecay);
  }

  /** One α update; `eta` is the weights' current learning rate (ξ in the paper). Returns L_val before it. */
  step(train: Batch, valid: Batch, eta: number): { validLoss: number } {
    const { grads, validLoss } = this.gradient(train, valid, eta);
    this.optimizer.step(archVariables(this.net), grads);
    tf.dispose(grads);
    return { validLoss };
  }

  /** The architecture gradient alone (one tensor per cell type, caller disposes). */
  gradient(train: Batch, valid: Batch, eta: number): { grads: tf.Tensor[]; validLoss: number } {
    return this.options.unrolled ? this.unrolledGradient(train, valid, eta) : this.firstOrderGradient(valid);
  }

  /** α's Adam state (the weights' optimizer is the strategy's to save). */
  saveState(out: StateWriter): void {
    this.optimizer.saveState(out, archVariables(this.net));
  }

  loadState(from: StateReader): void {
    this.optimizer.loadState(from, archVariables(this.net));
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  private loss(batch: Batch): tf.Scalar {
    return crossEntropy(this.net.forward(batch.x, softmaxWeights(this.net.arch)), batch.y);
  }

  private firstOrderGradient(valid: Batch): { grads: tf.Tensor[]; validLoss: number } {
    const alphas = archVariables(this.net);
    const { value, grads } = tf.variableGrads(() => this.loss(valid), alphas);
    const validLoss = value.dataSync()[0];
    value.dispose();
    return { grads: gradsInOrder(alphas, grads), validLoss };
  }

  private unrolledGradient(train: Batch, valid: Batch, eta: number): { grads: tf.Tensor[]; validLoss: number } {
    const weights = this.net.params.list();
    const alphas = archVariables(this.net);
    const original = weights.map((w) => w.clone());
    try {
      // w' = w − ξ(μ·buf + ∇w L_train + wd·w)
      const trainGrads = tf.variableGrads(() => this.loss(train), weights);
      trainGrads.value.dispose();
      const dTrain = gradsInOrder(weights, trainGrads.grads);
      weights.forEach((w, i) => {
        const next = this.weightOptimizer.lookAhead(w, dTrain[i], eta, this.options.networkWeightDecay);
        w.assign(next);
        next.dispose();
      });
      tf.dispose(dTrain);

      // ∇α L_val(w', α) and v = ∇w' L_val(w', α) in one backward pass.
      const atUnrolled = tf.variableGrads(() => this.loss(valid), [...weights, ...alphas]);
      const validLoss = atUnrolled.value.dataSync()[0];
      atUnrolled.value.dispose();
      const v = gradsInOrder(weights, atUnrolled.grads);
      const dAlpha = gradsInOrder(alphas, atUnrolled.grads);

      const vNorm = globalNorm(v);
      if (vNorm === 0) {
        tf.dispose(v);
        return { grads: dAlpha, validLoss };
      }
      const eps = (this.options.hvpRadius ?? 0.01) / vNorm;
      const trainAlphaGradAt = (sign: number): tf.Tensor[] => {
        weights.forEach((w, i) => {
          const shifted = tf.tidy(() => tf.add(original[i], tf.mul(v[i], sign * eps)));
          w.assign(shifted);
          shifted.dispose();
        });
        const g = tf.variableGrads(() => this.loss(train), alphas);
        g.value.dispose();
        return gradsInOrder(alphas, g.grads);
      };
      const plus = trainAlphaGradAt(1);
      const minus = trainAlphaGradAt(-1);
      const grads = dAlpha.map((d, i) => tf.tidy(() => tf.sub(d, tf.mul(tf.div(tf.sub(plus[i], minus[i]), 2 * eps), eta))));
      tf.dispose([...v, ...dAlpha, ...plus, ...minus]);
      return { grads, validLoss };
    } finally {
      weights.forEach((w, i) => w.assign(original[i]));
      tf.dispose(original);
    }
  }
}
