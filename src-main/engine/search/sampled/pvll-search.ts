import * as tf from '@tensorflow/tfjs';
import type { Rng, RngState } from '../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { AdamL2 } from '../../optim/optimizers';
import { argmaxRows, gumbelNoise, gumbelSoftmax, gumbelSoftmaxTensor, softmaxRow, type Rows } from './gumbel';
import { spearman } from '../../diagnostics/spearman';
import { Landscape, type MemoryEntry } from './landscape';

/** What PVLL-NAS needs from the world: train the shared weights under H, measure H's validation loss. */
export interface PvllEnvironment {
  /** One training batch under architecture H (one [edges, ops] block per cell type). */
  trainBatch(h: Rows[]): { loss: number; acc: number };
  evaluate(h: Rows[]): number;
}

export interface PvllOptions {
  warmupSize: number;
  warmupBatches: number;
  /** Search iterations T. */
  iterations: number;
  batchesPerIteration: number;
  temperature: number;
  sampler: boolean;
  warmup: boolean;
  weightedLoss: boolean;
  hiddenUnits: number;
  landscapeLearningRate: number;
  landscapeFitSteps: number;
  arch: { learningRate: number; beta1: number; beta2: number; weightDecay: number };
}

/** One unit of work done, as the strategy reports it. */
export type PvllEvent =
  | { kind: 'train'; loss: number; acc: number }
  | { kind: 'sample'; measured: number; predicted: number | null; memorySize: number }
  | { kind: 'fit'; loss: number; spearman: number | null }
  | { kind: 'iteration'; index: number };

/** Pairs (ψ's prediction before the sample joined the memory, its measured loss) behind the Spearman figure. */
const FIT_WINDOW = 20;

interface Sample {
  h: Rows[];
  encoding: number[];
  logProb: number;
}

/**
 * PVLL-NAS's Algorithm 1 (Li et al., ICML 2020) over architecture variables A (one per cell type):
 * warm-up population of N samples H = GumbelSoftmax(A; ξ, τ), each trained a warm-up epoch, then
 * each trained one more and evaluated into the memory M; ψ fitted on M; then T iterations of
 * sample H_t, train on it, measure L_t (after recording ψ's prediction), add to M, refit ψ, and one
 * Adam step of A down ∇A ψ(GumbelSoftmax(A; ξ', τ)). `next()` does one batch, one evaluation or
 * one refit-and-step.
 */
export class PvllSearch {
  readonly memory: MemoryEntry[] = [];
  readonly landscape: Landscape;
  readonly totalUnits: number;
  private readonly optimizer: AdamL2;
  private readonly window: { predicted: number; measured: number }[] = [];
  private done = 0;
  /** The warm-up population while the warm-up runs. */
  private population: Sample[] = [];
  /** The sample H_t of the current search iteration. */
  private current: Sample | null = null;

  constructor(private readonly arch: readonly tf.Variable<tf.Rank.R2>[], private readonly env: PvllEnvironment, private readonly opts: PvllOptions, private readonly rng: Rng) {
    const inputSize = arch.reduce((s, a) => s + a.size, 0);
    this.landscape = new Landscape(inputSize, opts.hiddenUnits, opts.landscapeLearningRate, rng.fork('landscape'));
    this.optimizer = new AdamL2(opts.arch.learningRate, opts.arch.beta1, opts.arch.beta2, opts.arch.weightDecay);
    const warm = opts.warmup ? opts.warmupSize * (2 * opts.warmupBatches + 1) + 1 : 0;
    this.totalUnits = warm + opts.iterations * (opts.batchesPerIteration + 3);
  }

  /** Every remaining unit, one per `next()` of the generator. */
  *units(): Generator<PvllEvent> {
    for (let event = this.next(); event !== null; event = this.next()) yield event;
  }

  /**
   * Does the next unit of Algorithm 1, or answers null when all are done. The position is the count
   * of units done (with the warm-up population and the current sample kept as fields), so that a
   * checkpoint can hold it and a restored search continue at the same unit.
   */
  next(): PvllEvent | null {
    if (this.done >= this.totalUnits) return null;
    let unit = this.done++;
    const o = this.opts;
    if (o.warmup) {
      const n = o.warmupSize;
      const b = o.warmupBatches;
      if (unit === 0) this.population = Array.from({ length: n }, () => this.sample());
      if (unit < n * b) return { kind: 'train', ...this.env.trainBatch(this.population[Math.floor(unit / b)].h) };
      unit -= n * b;
      if (unit < n * (b + 1)) {
        const s = this.population[Math.floor(unit / (b + 1))];
        return unit % (b + 1) < b ? { kind: 'train', ...this.env.trainBatch(s.h) } : this.measure(s, false);
      }
      unit -= n * (b + 1);
      if (unit === 0) {
        this.population = [];
        return { kind: 'fit', loss: this.landscape.fit(this.memory, o.landscapeFitSteps, o.weightedLoss), spearman: null };
      }
      unit -= 1;
    }
    const perIteration = o.batchesPerIteration + 3;
    const t = Math.floor(unit / perIteration);
    const within = unit % perIteration;
    if (within === 0) this.current = this.sample();
    const s = this.current as Sample;
    if (within < o.batchesPerIteration) return { kind: 'train', ...this.env.trainBatch(s.h) };
    if (within === o.batchesPerIteration) return this.measure(s, this.memory.length > 0);
    if (within === o.batchesPerIteration + 1) {
      const fitLoss = this.landscape.fit(this.memory, o.landscapeFitSteps, o.weightedLoss);
      // ψ fitted on a single entry is a constant: no slope to follow yet.
      if (this.memory.length >= 2) this.archStep();
      return { kind: 'fit', loss: fitLoss, spearman: this.window.length >= 3 ? spearman(this.window.map((p) => p.predicted), this.window.map((p) => p.measured)) : null };
    }
    return { kind: 'iteration', index: t };
  }

  /** Units done, memory, the Spearman window, the samples in use, ψ, A's Adam state and the draws' position. */
  saveState(out: StateWriter): void {
    out.json('done', this.done);
    out.json('memory', this.memory);
    out.json('window', this.window);
    out.json('population', this.population);
    out.json('current', this.current);
    out.json('rng', this.rng.getState());
    this.landscape.saveState(out.scope('landscape'));
    this.optimizer.saveState(out.scope('adam'), this.arch);
  }

  loadState(from: StateReader): void {
    this.done = from.json<number>('done');
    this.memory.splice(0, this.memory.length, ...from.json<MemoryEntry[]>('memory'));
    this.window.splice(0, this.window.length, ...from.json<{ predicted: number; measured: number }[]>('window'));
    this.population = from.json<Sample[]>('population');
    this.current = from.json<Sample | null>('current');
    this.rng.setState(from.json<RngState>('rng'));
    this.landscape.loadState(from.scope('landscape'));
    this.optimizer.loadState(from.scope('adam'), this.arch);
  }

  dispose(): void {
    this.landscape.dispose();
    this.optimizer.dispose();
  }

  /** H ~ GumbelSoftmax(A) (uniform logits with the sampler off) and log p of its arg-max architecture. */
  private sample(): Sample {
    const logits = this.arch.map((a) => (this.opts.sampler ? a.arraySync() : a.arraySync().map((row) => row.map(() => 0))));
    const h = logits.map((rows) => gumbelSoftmax(rows, gumbelNoise(this.rng, rows), this.opts.temperature));
    let logProb = 0;
    logits.forEach((rows, i) => {
      const choice = argmaxRows(h[i]);
      rows.forEach((row, e) => (logProb += Math.log(softmaxRow(row)[choice[e]])));
    });
    return { h, encoding: h.flat(2), logProb };
  }

  private measure(s: Sample, predict: boolean): PvllEvent {
    const predicted = predict ? this.landscape.predict([s.encoding])[0] : null;
    const measured = this.env.evaluate(s.h);
    if (!Number.isFinite(measured)) throw new Error(`the validation loss of a sampled architecture is ${measured}: lower learningRate`);
    if (predicted !== null) {
      this.window.push({ predicted, measured });
      if (this.window.length > FIT_WINDOW) this.window.shift();
    }
    this.memory.push({ encoding: s.encoding, loss: measured, logProb: s.logProb });
    return { kind: 'sample', measured, predicted, memorySize: this.memory.length };
  }

  /** A ← Adam(A, ∇A ψ(GumbelSoftmax(A; ξ', τ))) with fresh noise ξ'. */
  private archStep(): void {
    const noise = this.arch.map((a) => tf.tensor2d(gumbelNoise(this.rng, a.arraySync())));
    try {
      const { value, grads } = tf.variableGrads(() => {
        const h = this.arch.map((a, i) => tf.reshape(gumbelSoftmaxTensor(a, noise[i], this.opts.temperature), [1, -1]));
        return tf.sum(this.landscape.forwardStandardised(tf.concat(h, 1) as tf.Tensor2D)) as tf.Scalar;
      }, [...this.arch]);
      value.dispose();
      this.optimizer.step([...this.arch], this.arch.map((a) => grads[a.name]));
      tf.dispose(Object.values(grads));
    } finally {
      tf.dispose(noise);
    }
  }
}
