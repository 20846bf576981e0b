import * as tf from '@tensorflow/tfjs';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { RunConfig } from '../../../../src-shared/model/run-config';
import type { MetricPoint } from '../../../../src-shared/model/metrics';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { cosineLearningRate } from '../../optim/optimizers';
import { loadSupernet, saveSupernet } from '../../supernet/state';
import type { CellWeights, Supernet } from '../../supernet/types';
import type { SearchStrategy, StepResult, StrategyContext } from '../strategy';
import type { Batch } from './architect';
import { buildSupernet, loadBatchSource, saveBatchSource, type DartsData } from './data';
import { oneShotReport, softmaxView, type EpochReport, type AlphaSnapshot, type OneShotView } from './epoch-report';
import { EarlyStop } from './early-stop';
import { WeightTrainer, type WeightStepResult } from './weight-trainer';

/** What one step of a one-shot search hands to its method. */
export interface OneShotStep {
  /** The weights' batch of this step (the template disposes it). */
  train: Batch;
  /** The architecture's batch, drawn on first call (the template disposes it); methods that train α on `train` never draw it. */
  valid(): Batch;
  /** The weights' learning rate of this epoch (cosine schedule); ξ of an unrolled step. */
  lr: number;
  /** Epoch of this step, from 0. */
  epoch: number;
}

/** The edge weights a method trains the shared weights under, for one step. */
export interface Relaxation {
  /** Called under the weights' gradient tape: differentiable in whatever `differentiate` names. */
  weights(): CellWeights;
  /** More variables whose gradient the same backward pass returns (SNAS: α). */
  differentiate?: tf.Variable[];
  /** Frees what the relaxation drew for this step (noise, samples). */
  dispose?(): void;
}

/** A per-step figure of a method, reported under `key` beside `lr` and the running train means. */
export type StepFigure = [key: string, value: number];

export interface OneShotOptions {
  /** The method's name in logs and errors. */
  label: string;
  /**
   * `arch-first`: α steps on the architecture's batch, then the weights step (DARTS's
   * `train_search.py`); `weights-first`: the weights step, then α (GDAS, SNAS).
   */
  order: 'arch-first' | 'weights-first';
  /** The diagnostics' and the selection's view of α (default: softmax(α), arg-max selection). */
  view?: (net: Supernet) => OneShotView;
  /** Steps the method runs after the search's epochs (DARTS-PT's projection); its own `step` runs them. */
  extraSteps?: number;
  /**
   * The method's own network (default: the run's space as `buildSupernet` makes it): DrNAS's
   * progressive stages swap theirs, few-shot NAS wraps the built one with an edge fixed to one op.
   */
  network?: typeof buildSupernet;
}

/**
 * The template of every gradient-based one-shot search. Per step: the weights' batch, the cosine
 * learning rate of the epoch, the method's architecture update and one SGD step of the shared
 * weights (momentum, weight decay, clipped) under the method's relaxation, in the method's order;
 * then the shared report: `lr` and the method's figures per step, the running train means every
 * `reportEvery` steps, and the epoch report (validation, α entropy, genotype, Hessian eigenvalue)
 * at each epoch's end. The checkpoint holds the shared parts (step, network, weights' optimizer,
 * both batch streams, the report's sums) and whatever the method adds in `saveMethodState`.
 *
 * A method supplies its relaxation (`relax`), its architecture update (`updateArchitecture`) and
 * its selection (the `view`'s `derive`); see docs/ARCHITECTURE.md "Adding a search method".
 */
export abstract class OneShotSearch<C extends RunConfig & OneShotCommon> implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  /** α, logits under α and genotype derivation, for the epoch report and the answer. */
  readonly view: OneShotView;
  protected readonly trainer: WeightTrainer;
  protected readonly report: EpochReport;
  /** DARTS-ES, when the config asks for it. */
  private readonly earlyStop: EarlyStop | null;
  protected stepIndex = 0;

  constructor(
    protected readonly ctx: StrategyContext<C>,
    /** The run's data (public: "Select with PT" fine-tunes a finished run's supernet on its streams). */
    readonly data: DartsData,
    private readonly options: OneShotOptions,
  ) {
    const { config } = ctx;
    if (!Number.isInteger(data.stepsPerEpoch) || data.stepsPerEpoch < 1) {
      throw new Error(`${options.label} needs at least one batch per epoch, got stepsPerEpoch = ${data.stepsPerEpoch}`);
    }
    this.net = (options.network ?? buildSupernet)(config.space, data, ctx.rng.fork('supernet'));
    this.totalSteps = config.epochs * data.stepsPerEpoch + (options.extraSteps ?? 0);
    this.trainer = new WeightTrainer(this.net, config);
    this.view = (options.view ?? softmaxView)(this.net);
    this.earlyStop = config.earlyStop ? new EarlyStop(config.earlyStop) : null;
    this.report = oneShotReport(config, ctx.reporter, this.view, data, ctx.rng.fork('hessian'));
  }

  /** The edge weights of this step's weight update. */
  protected abstract relax(step: OneShotStep): Relaxation;

  /**
   * One update of the architecture parameters. `weightStep` is the weight update of this step when
   * it came first (with the gradients of the relaxation's `differentiate`, which the template frees
   * afterwards), null when α goes first. Returns the method's per-step figures.
   */
  protected abstract updateArchitecture(step: OneShotStep, weightStep: WeightStepResult | null): StepFigure[];

  /** What the method keeps besides the shared parts (α's optimizer, its random draws, ...). */
  protected abstract saveMethodState(out: StateWriter): void;
  protected abstract loadMethodState(from: StateReader): void;
  /** Frees the method's own tensors; the template frees the network, the trainer and the report. */
  protected abstract disposeMethod(): void;

  /** More figures at an epoch's end, after the shared epoch report (SNAS: estimator variances). */
  protected async endOfEpoch(_epoch: number, _at: { step: number; epoch: number }): Promise<MetricPoint[]> {
    return [];
  }

  async step(): Promise<StepResult> {
    if (this.stepIndex >= this.totalSteps || this.earlyStop?.stoppedWith) return { done: true };
    const { config, reporter } = this.ctx;
    const perEpoch = this.data.stepsPerEpoch;
    const epoch = Math.floor(this.stepIndex / perEpoch);
    const lr = cosineLearningRate(epoch, config.epochs, config.learningRate, config.learningRateMin);
    const train = this.data.train.next();
    let valid: Batch | null = null;
    const step: OneShotStep = { train, valid: () => (valid ??= this.data.valid.next()), lr, epoch };
    let weight: WeightStepResult | null = null;
    try {
      let figures: StepFigure[];
      if (this.options.order === 'arch-first') {
        figures = this.updateArchitecture(step, null);
        weight = this.weightStep(step);
      } else {
        weight = this.weightStep(step);
        figures = this.updateArchitecture(step, weight);
      }
      this.stepIndex++;
      const at = { step: this.stepIndex, epoch: this.stepIndex / perEpoch };
      reporter.metrics([...figures, ['lr', lr] as StepFigure].map(([key, value]) => ({ ...at, key, value })));
      this.report.trainStep(at, weight.loss, weight.acc, train.y.shape[0]);
    } finally {
      const spent: tf.Tensor[] = [train.x, train.y, ...(weight?.extraGrads ?? [])];
      if (valid) spent.push((valid as Batch).x, (valid as Batch).y);
      tf.dispose(spent);
    }
    const epochEnd = this.stepIndex % perEpoch === 0 || this.stepIndex === this.totalSteps;
    let stopped = false;
    if (epochEnd) {
      const at = { step: this.stepIndex, epoch: epoch + 1 };
      const last = this.stepIndex === this.totalSteps;
      // With DARTS-ES the final answer is only known after the epoch's eigenvalue: reported below.
      const { eigenvalue, genotype } = await this.report.endEpoch({ ...at, final: last && !this.earlyStop });
      const more = await this.endOfEpoch(epoch, at);
      if (more.length > 0) reporter.metrics(more);
      if (this.earlyStop) stopped = this.endEarlyStopEpoch(at, eigenvalue, genotype, last);
    }
    reporter.progress(this.stepIndex, this.totalSteps);
    return { done: stopped || this.stepIndex >= this.totalSteps, epochEnd };
  }

  /** The current answer; after DARTS-ES stopped, the architecture of the epoch before the stop. */
  genotype(): Genotype {
    return this.earlyStop?.stoppedWith ?? this.view.derive(this.view.snapshot());
  }

  /** The current α of every cell type. */
  alphas(): AlphaSnapshot {
    return this.view.snapshot();
  }

  saveState(out: StateWriter): void {
    out.json('step', this.stepIndex);
    saveSupernet(this.net, out.scope('net'));
    this.trainer.saveState(out.scope('sgd'));
    saveBatchSource(this.data.train, out.scope('train-batches'));
    saveBatchSource(this.data.valid, out.scope('valid-batches'));
    this.report.saveState(out.scope('report'));
    this.earlyStop?.saveState(out.scope('early-stop'));
    this.saveMethodState(out);
  }

  loadState(from: StateReader): void {
    this.stepIndex = from.json<number>('step');
    loadSupernet(this.net, from.scope('net'));
    this.trainer.loadState(from.scope('sgd'));
    loadBatchSource(this.data.train, from.scope('train-batches'));
    loadBatchSource(this.data.valid, from.scope('valid-batches'));
    this.report.loadState(from.scope('report'));
    this.earlyStop?.loadState(from.scope('early-stop'));
    this.loadMethodState(from);
  }

  dispose(): void {
    this.disposeMethod();
    this.report.dispose();
    this.trainer.dispose();
    this.net.dispose();
  }

  /**
   * DARTS-ES at an epoch's end: on a stop, `search.early_stop` (the epoch) and the epoch before's
   * genotype as the final answer; at the last epoch without a stop, the current one. Returns whether
   * the search stopped.
   */
  private endEarlyStopEpoch(at: { step: number; epoch: number }, eigenvalue: number | null, genotype: Genotype, last: boolean): boolean {
    const { reporter } = this.ctx;
    const answer = (this.earlyStop as EarlyStop).endEpoch(at.epoch, eigenvalue, genotype);
    if (answer) {
      reporter.log('info', `${this.options.label}-ES: the Hessian eigenvalue grew past the configured ratio at epoch ${at.epoch}; answering epoch ${at.epoch - 1}'s architecture`);
      reporter.metrics([{ ...at, key: 'search.early_stop', value: at.epoch }]);
    }
    if (answer || last) reporter.genotype(answer ?? genotype, { ...at, final: true });
    return answer !== null;
  }

  /** One SGD step of the shared weights under the method's relaxation. */
  private weightStep(step: OneShotStep): WeightStepResult {
    const relaxation = this.relax(step);
    try {
      return this.trainer.step(step.train, () => relaxation.weights(), step.lr, relaxation.differentiate ?? []);
    } finally {
      relaxation.dispose?.();
    }
  }
}
