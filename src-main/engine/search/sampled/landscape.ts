import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { AdamL2 } from '../../optim/optimizers';
import { loadVariables, saveVariables } from '../../checkpoint/state';

/**
 * Self-normalised importance weights from log p_t: w_t = T·(1/p_t) / Σ_s (1/p_s), so the fitting
 * loss (1/T) Σ w_t (ψ(H_t) − L_t)² is PVLL-NAS's (1/T) Σ (1/p_t)(ψ(H_t) − L_t)² times the constant
 * T/Σ(1/p_s). The constant leaves the minimiser unchanged and keeps the scale sane: p_t of a whole
 * cell is a product over edges (8^-28 for a uniform DARTS cell pair), whose inverse overflows.
 */
export function importanceWeights(logProbs: readonly number[]): number[] {
  if (logProbs.length === 0) return [];
  const neg = logProbs.map((l) => -l);
  const max = Math.max(...neg);
  const sum = neg.reduce((s, v) => s + Math.exp(v - max), 0);
  return neg.map((v) => (logProbs.length * Math.exp(v - max)) / sum);
}


export interface MemoryEntry {
  /** The relaxed architecture H, flattened (all cells' rows). */
  encoding: number[];
  loss: number;
  /** log p of the sampled (arg-max) architecture under the distribution it was drawn from. */
  logProb: number;
}

/**
 * PVLL-NAS's landscape ψ: H → L̂, a one-hidden-layer tanh MLP on the flattened relaxed encoding
 * (smooth, so ∇ψ is informative everywhere). Targets are standardised by the memory's mean and
 * standard deviation at each fit; ψ keeps its weights between fits (warm start).
 */
export class Landscape {
  private readonly vars: tf.Variable[];
  /** The project's Adam (tf.train.adam's state is private): β 0.9/0.999, ε 1e-7 as tf.train.adam's float32 default. */
  private readonly optimizer: AdamL2;
  private shift = 0;
  private scale = 1;

  constructor(readonly inputSize: number, hidden: number, learningRate: number, rng: Rng) {
    const init = (rows: number, cols: number, std: number) =>
      tf.variable(tf.tensor2d(Float32Array.from({ length: rows * cols }, () => std * rng.normal()), [rows, cols]), true);
    // In a tidy: a variable keeps its initial value's tensor alive otherwise (four tensors leaked per ψ).
    this.vars = tf.tidy(() => [init(inputSize, hidden, 1 / Math.sqrt(inputSize)), tf.variable(tf.zeros([1, hidden]), true), init(hidden, 1, 1 / Math.sqrt(hidden)), tf.variable(tf.zeros([1, 1]), true)]);
    this.optimizer = new AdamL2(learningRate, 0.9, 0.999, 0, 1e-7);
  }

  /** ψ on a batch of encodings [n, D] (standardised units). Differentiable in `h`. */
  forwardStandardised(h: tf.Tensor2D): tf.Tensor1D {
    const [w1, b1, w2, b2] = this.vars;
    return tf.reshape(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(h, w1), b1)), w2), b2), [-1]) as tf.Tensor1D;
  }

  /** Predicted loss of each encoding, in the memory's units. */
  predict(encodings: readonly number[][]): number[] {
    const out = tf.tidy(() => this.forwardStandardised(tf.tensor2d(encodings.map((e) => [...e]), [encodings.length, this.inputSize])));
    const values = Array.from(out.dataSync(), (v) => v * this.scale + this.shift);
    out.dispose();
    return values;
  }

  /**
   * `steps` full-batch Adam steps on (1/T) Σ w_t (ψ(H_t) − L_t)², w_t the importance weights (or 1
   * when `weighted` is off). Returns the last loss (standardised units).
   */
  fit(memory: readonly MemoryEntry[], steps: number, weighted: boolean): number {
    if (memory.length === 0) throw new Error('the landscape needs at least one memory entry to fit');
    const losses = memory.map((m) => m.loss);
    this.shift = losses.reduce((s, v) => s + v, 0) / losses.length;
    const variance = losses.reduce((s, v) => s + (v - this.shift) ** 2, 0) / losses.length;
    this.scale = Math.sqrt(variance) > 1e-8 ? Math.sqrt(variance) : 1;
    const weights = weighted ? importanceWeights(memory.map((m) => m.logProb)) : memory.map(() => 1);
    const x = tf.tensor2d(memory.map((m) => m.encoding), [memory.length, this.inputSize]);
    const y = tf.tensor1d(losses.map((l) => (l - this.shift) / this.scale));
    const w = tf.tensor1d(weights);
    let last = Number.NaN;
    try {
      for (let i = 0; i < steps; i++) {
        const { value, grads } = tf.variableGrads(() => fittingLoss(this.forwardStandardised(x), y, w), this.vars);
        if (i === steps - 1) last = value.dataSync()[0];
        value.dispose();
        this.optimizer.step(this.vars, this.vars.map((v) => grads[v.name]));
        tf.dispose(Object.values(grads));
      }
    } finally {
      tf.dispose([x, y, w]);
    }
    return last;
  }

  /** ψ's weights, its Adam state and the standardisation of the last fit. */
  saveState(out: StateWriter): void {
    saveVariables(out.scope('weights'), this.vars);
    this.optimizer.saveState(out.scope('adam'), this.vars);
    out.json('standardise', { shift: this.shift, scale: this.scale });
  }

  loadState(from: StateReader): void {
    loadVariables(from.scope('weights'), this.vars);
    this.optimizer.loadState(from.scope('adam'), this.vars);
    ({ shift: this.shift, scale: this.scale } = from.json<{ shift: number; scale: number }>('standardise'));
  }

  dispose(): void {
    tf.dispose(this.vars);
    this.optimizer.dispose();
  }
}

/** (1/T) Σ_t w_t (pred_t − target_t)². */
export function fittingLoss(pred: tf.Tensor1D, target: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.mul(weights, tf.square(tf.sub(pred, target)))) as tf.Scalar;
}
