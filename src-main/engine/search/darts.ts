import * as tf from '@tensorflow/tfjs';
import type { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { SupernetOptions } from '../supernet/darts-network';
import { buildSupernet } from './one-shot-data';
import { softmaxWeights } from '../supernet/arch-params';
import { correctCount, crossEntropy } from '../evaluate/classification';
import type { Batch as DataBatch } from '../data/batches';
import type { Supernet } from '../supernet/types';
import type { SearchStrategy, StepResult, StrategyContext } from './strategy';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { loadSupernet, saveSupernet } from '../supernet/state';
import { Architect, type Batch } from './architect';
import { SgdMomentum, clipScale, cosineLearningRate, globalNorm, gradsInOrder } from '../optim/optimizers';
import { EpochReport, softmaxView, type AlphaSnapshot, type OneShotView } from './epoch-report';

/** An endless stream of batches. The strategy owns each batch it takes and disposes it after use. */
export interface BatchSource {
  next(): Batch;
  /**
   * The stream's position (order, place in it, random state), so a resumed run draws the same
   * batches. Every dataset stream has it; a synthetic test source may not (it cannot be checkpointed).
   */
  saveState?(out: StateWriter): void;
  loadState?(from: StateReader): void;
}

/** The state of a batch source, or an error saying the source cannot be checkpointed. */
export function saveBatchSource(source: BatchSource, out: StateWriter): void {
  if (!source.saveState) throw new Error('this batch source has no position to save: a run on it cannot be checkpointed');
  source.saveState(out);
}

export function loadBatchSource(source: BatchSource, from: StateReader): void {
  if (!source.loadState) throw new Error('this batch source has no position to restore: a run on it cannot be resumed');
  source.loadState(from);
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
  /** A fresh in-order pass over the architecture's half, for `valid.loss|acc` and the Hessian batch. */
  validation: () => Iterable<DataBatch>;
  /** Recomputation per cell or edge, as the memory plan chose (supernet/memory-plan.ts). */
  supernetOptions?: SupernetOptions;
}

export interface DartsDeps {
  data: DartsData;
}

/**
 * DARTS (`train_search.py`): per batch, one architecture step on a valid batch (first order or
 * unrolled), then one weight step on a train batch (SGD, gradient clipped, cosine learning rate per
 * epoch). Works on the DARTS and the NAS-Bench-201 spaces.
 */
export class DartsStrategy implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  /** α, logits under α and genotype derivation, for the epoch report and other diagnostics. */
  readonly view: OneShotView;
  private readonly architect: Architect;
  private readonly sgd: SgdMomentum;
  private readonly report: EpochReport;
  private stepIndex = 0;

  private readonly data: DartsData;

  constructor(private readonly ctx: StrategyContext<DartsConfig>, deps: DartsDeps) {
    const { config } = ctx;
    const data = (this.data = deps.data);
    if (!Number.isInteger(data.stepsPerEpoch) || data.stepsPerEpoch < 1) {
      throw new Error(`DARTS needs at least one batch per epoch, got stepsPerEpoch = ${data.stepsPerEpoch}`);
    }
    this.net = buildSupernet(config.space, data, ctx.rng.fork('supernet'));
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
    this.view = softmaxView(this.net);
    this.report = new EpochReport({
      reporter: ctx.reporter,
      view: this.view,
      reportEvery: config.reportEvery,
      validation: data.validation,
      validBatches: config.validBatches,
      hessianEvery: config.hessianEvery,
      hessianIters: config.hessianIters,
      archWeightDecay: config.archWeightDecay,
      rng: ctx.rng.fork('hessian'),
    });
    ctx.reporter.log('info', `DARTS supernet: ${this.net.params.count()} weights, ${config.unrolled ? 'second' : 'first'}-order, ${this.totalSteps} steps`);
  }

  async step(): Promise<StepResult> {
    if (this.stepIndex >= this.totalSteps) return { done: true };
    const { config, reporter } = this.ctx;
    const perEpoch = this.data.stepsPerEpoch;
    const epoch = Math.floor(this.stepIndex / perEpoch);
    const lr = cosineLearningRate(epoch, config.epochs, config.learningRate, config.learningRateMin);
    const train = this.data.train.next();
    const valid = this.data.valid.next();
    const at = { step: this.stepIndex + 1, epoch: (this.stepIndex + 1) / perEpoch };
    try {
      const { validLoss } = this.architect.step(train, valid, lr);
      const { loss, acc } = this.weightStep(train, lr);
      this.stepIndex++;
      const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
      reporter.metrics([point('search.valid.loss', validLoss), point('lr', lr)]);
      this.report.trainStep(at, loss, acc, train.y.shape[0]);
    } finally {
      tf.dispose([train.x, train.y, valid.x, valid.y]);
    }
    const epochEnd = this.stepIndex % perEpoch === 0 || this.stepIndex === this.totalSteps;
    if (epochEnd) await this.report.endEpoch({ step: this.stepIndex, epoch: epoch + 1, final: this.stepIndex === this.totalSteps });
    reporter.progress(this.stepIndex, this.totalSteps);
    return { done: this.stepIndex >= this.totalSteps, epochEnd };
  }

  saveState(out: StateWriter): void {
    out.json('step', this.stepIndex);
    saveSupernet(this.net, out.scope('net'));
    this.sgd.saveState(out.scope('sgd'), this.net.params.list());
    this.architect.saveState(out.scope('adam'));
    saveBatchSource(this.data.train, out.scope('train-batches'));
    saveBatchSource(this.data.valid, out.scope('valid-batches'));
    this.report.saveState(out.scope('report'));
  }

  loadState(from: StateReader): void {
    this.stepIndex = from.json<number>('step');
    loadSupernet(this.net, from.scope('net'));
    this.sgd.loadState(from.scope('sgd'), this.net.params.list());
    this.architect.loadState(from.scope('adam'));
    loadBatchSource(this.data.train, from.scope('train-batches'));
    loadBatchSource(this.data.valid, from.scope('valid-batches'));
    this.report.loadState(from.scope('report'));
  }

  genotype(): Genotype {
    return this.view.derive(this.view.snapshot());
  }

  /** The current α of every cell type. */
  alphas(): AlphaSnapshot {
    return this.view.snapshot();
  }

  dispose(): void {
    this.report.dispose();
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
    const ordered = gradsInOrder(weights, grads);
    this.sgd.step(weights, ordered, lr, clipScale(globalNorm(ordered), this.ctx.config.gradClip));
    tf.dispose(ordered);
    return { loss, acc };
  }
}
