import * as tf from '@tensorflow/tfjs';
import type { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { DartsSupernet, type SupernetOptions } from '../supernet/darts-network';
import { Nb201Supernet } from '../supernet/nb201-network';
import { alphaValues, softmaxWeights } from '../supernet/arch-params';
import { correctCount, crossEntropy } from '../evaluate/classification';
import type { Supernet } from '../supernet/types';
import type { SearchStrategy, StrategyContext } from './strategy';
import { Architect, type Batch } from './architect';
import { SgdMomentum, clipByGlobalNorm, cosineLearningRate, gradsInOrder } from './darts-optimizers';

/** An endless stream of batches. The strategy owns each batch it takes and disposes it after use. */
export interface BatchSource {
  next(): Batch;
}

export interface DartsData {
  /** Batches from the weights' half of the training set. */
  train: BatchSource;
  /** Batches from the architecture's half (DARTS's `valid_queue`). */
  valid: BatchSource;
  inChannels: number;
  numClasses: number;
  /** Batches per epoch (DARTS: len(train_queue)). */
  stepsPerEpoch: number;
}

/** Current α per cell type, as plain numbers, with each row's op names. */
export interface AlphaSnapshot {
  space: Supernet['space'];
  cells: { kind: string; edgeOps: readonly (readonly string[])[]; alpha: number[][] }[];
}

export interface DartsDeps {
  data: DartsData;
  /** Turns α into a discrete cell (the diagnostics' genotype derivation); without it genotype() is null. */
  derive?: (alphas: AlphaSnapshot) => Genotype;
  /** Per-cell recomputation etc., as the memory plan chose (supernet/memory-plan.ts). */
  supernetOptions?: SupernetOptions;
}

/**
 * DARTS (`train_search.py`): per batch, one architecture step on a valid batch (first order or
 * unrolled), then one weight step on a train batch (SGD, gradient clipped, cosine learning rate per
 * epoch). Works on the DARTS and the NAS-Bench-201 spaces.
 */
export class DartsStrategy implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  private readonly architect: Architect;
  private readonly sgd: SgdMomentum;
  private stepIndex = 0;

  constructor(private readonly ctx: StrategyContext<DartsConfig>, private readonly deps: DartsDeps) {
    const { config } = ctx;
    const { data } = deps;
    if (!Number.isInteger(data.stepsPerEpoch) || data.stepsPerEpoch < 1) {
      throw new Error(`DARTS needs at least one batch per epoch, got stepsPerEpoch = ${data.stepsPerEpoch}`);
    }
    const shape = { inChannels: data.inChannels, numClasses: data.numClasses };
    const netRng = ctx.rng.fork('supernet');
    this.net = config.space.kind === 'darts' ? new DartsSupernet(config.space, shape, netRng, deps.supernetOptions) : new Nb201Supernet(config.space, shape, netRng);
    this.totalSteps = config.epochs * data.stepsPerEpoch;
    this.sgd = new SgdMomentum(config.momentum, config.weightDecay);
    this.architect = new Architect(
      this.net,
      {
        learningRate: config.archLearningRate,
        beta1: config.archBeta1,
        beta2: config.archBeta2,
        weightDecay: config.archWeightDecay,
        unrolled: config.unrolled,
        networkMomentum: config.momentum,
        networkWeightDecay: config.weightDecay,
      },
      this.sgd,
    );
    ctx.reporter.log('info', `DARTS supernet: ${this.net.params.count()} weights, ${config.unrolled ? 'second' : 'first'}-order, ${this.totalSteps} steps`);
  }

  async step(): Promise<{ done: boolean }> {
    if (this.stepIndex >= this.totalSteps) return { done: true };
    const { config, reporter } = this.ctx;
    const perEpoch = this.deps.data.stepsPerEpoch;
    const epoch = Math.floor(this.stepIndex / perEpoch);
    const lr = cosineLearningRate(epoch, config.epochs, config.learningRate, config.learningRateMin);
    const train = this.deps.data.train.next();
    const valid = this.deps.data.valid.next();
    try {
      const { validLoss } = this.architect.step(train, valid, lr);
      const { loss, acc } = this.weightStep(train, lr);
      this.stepIndex++;
      const at = { step: this.stepIndex, epoch: this.stepIndex / perEpoch };
      const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
      reporter.metrics([point('train.loss', loss), point('train.acc', acc), point('search.valid.loss', validLoss), point('lr', lr)]);
      if (this.stepIndex % perEpoch === 0 || this.stepIndex === this.totalSteps) this.endOfEpoch(epoch);
      reporter.progress(this.stepIndex, this.totalSteps);
    } finally {
      tf.dispose([train.x, train.y, valid.x, valid.y]);
    }
    return { done: this.stepIndex >= this.totalSteps };
  }

  genotype(): Genotype | null {
    return this.deps.derive ? this.deps.derive(this.alphas()) : null;
  }

  /** The current α of every cell type. */
  alphas(): AlphaSnapshot {
    const values = alphaValues(this.net);
    return { space: this.net.space, cells: this.net.arch.map((a) => ({ kind: a.kind, edgeOps: a.edgeOps, alpha: values[a.kind] })) };
  }

  /**
   * L_val at the current weights as a function of α (one [edges, ops] tensor per cell type, in
   * `net.arch` order), differentiable in α: what Hessian-vector products w.r.t. α need.
   */
  validationLoss(alphas: readonly tf.Tensor2D[], batch: Batch): tf.Scalar {
    return crossEntropy(this.net.forward(batch.x, softmaxWeights(this.net.arch, alphas)), batch.y);
  }

  dispose(): void {
    this.architect.dispose();
    this.sgd.dispose();
    this.net.dispose();
  }

  private weightStep(train: Batch, lr: number): { loss: number; acc: number } {
    const weights = this.net.params.list();
    let acc = 0;
    const { value, grads } = tf.variableGrads(() => {
      const logits = this.net.forward(train.x, softmaxWeights(this.net.arch));
      acc = tf.tidy(() => correctCount(logits, train.y).dataSync()[0]) / train.y.shape[0];
      return crossEntropy(logits, train.y);
    }, weights);
    const loss = value.dataSync()[0];
    value.dispose();
    const { clipped } = clipByGlobalNorm(gradsInOrder(weights, grads), this.ctx.config.gradClip);
    this.sgd.step(weights, clipped, lr);
    tf.dispose(clipped);
    return { loss, acc };
  }

  private endOfEpoch(epoch: number): void {
    const { reporter } = this.ctx;
    reporter.artifact('alphas', this.stepIndex, this.alphas());
    const genotype = this.genotype();
    if (genotype) reporter.genotype(genotype, { step: this.stepIndex, epoch: epoch + 1, final: this.stepIndex === this.totalSteps });
  }
}
