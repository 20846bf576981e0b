import * as tf from '@tensorflow/tfjs';
import type { PvllConfig } from '../../../../src-shared/model/algorithms/pvll';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../../src-shared/model/metrics';
import { crossEntropy } from '../../evaluate/classification';
import type { CellWeights, Supernet } from '../../supernet/types';
import type { Batch } from '../oneshot/architect';
import { cosineLearningRate } from '../../optim/optimizers';
import { oneShotReport, softmaxView, type EpochReport, type OneShotView } from '../oneshot/epoch-report';
import { argmaxRows, type Rows } from './gumbel';
import { buildSupernet, loadBatchSource, loadOneShotData, saveBatchSource, type DartsData } from '../oneshot/data';
import { PvllSearch, type PvllEnvironment } from './pvll-search';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { loadSupernet, saveSupernet } from '../../supernet/state';
import { cellWeights } from './supernet-objective';
import { WeightTrainer } from '../oneshot/weight-trainer';
import type { SearchStrategy, StepResult, StrategyContext } from '../strategy';

/**
 * PVLL-NAS on a supernet: the architecture variables are the supernet's α; "train on H" is one SGD
 * step of the shared weights with H as edge weights (relaxed, or its arg-max op alone), and "L(H)" is
 * the mean loss over `validBatches` batches of the architecture's half, measured at the current
 * weights (first order) or after one look-ahead SGD step on a training batch (second order).
 */
export class PvllStrategy implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  private readonly trainer: WeightTrainer;
  private readonly search: PvllSearch;
  private readonly view: OneShotView;
  /** The shared epoch report; PVLL-NAS reports its own per-unit figures, so it holds no running sums to save. */
  private readonly report: EpochReport;
  private stepIndex = 0;
  private iteration = 0;

  constructor(private readonly ctx: StrategyContext<PvllConfig>, private readonly data: DartsData) {
    const { config } = ctx;
    if (!Number.isInteger(data.stepsPerEpoch) || data.stepsPerEpoch < 1) throw new Error(`PVLL-NAS needs at least one batch per epoch, got ${data.stepsPerEpoch}`);
    this.net = buildSupernet(config.space, data, ctx.rng.fork('supernet'));
    this.trainer = new WeightTrainer(this.net, config);
    const env: PvllEnvironment = { trainBatch: (h) => this.trainBatch(h), evaluate: (h) => this.evaluate(h) };
    this.search = new PvllSearch(
      this.net.arch.map((a) => a.alpha),
      env,
      {
        ...config,
        iterations: config.epochs,
        batchesPerIteration: data.stepsPerEpoch,
        arch: { learningRate: config.archLearningRate, beta1: config.archBeta1, beta2: config.archBeta2, weightDecay: config.archWeightDecay },
      },
      ctx.rng.fork('pvll'),
    );
    this.totalSteps = this.search.totalUnits;
    this.view = softmaxView(this.net);
    this.report = oneShotReport(config, ctx.reporter, this.view, data, ctx.rng.fork('hessian'));
    ctx.reporter.log('info', `PVLL-NAS supernet: ${this.net.params.count()} weights, warm-up ${config.warmup ? config.warmupSize : 0}, T = ${config.epochs}, ${this.totalSteps} units`);
  }

  async step(): Promise<StepResult> {
    const event = this.search.next();
    if (event === null) return { done: true };
    this.stepIndex++;
    const at = { step: this.stepIndex, epoch: this.iteration };
    const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
    const { reporter } = this.ctx;
    if (event.kind === 'train') reporter.metrics([point('train.loss', event.loss), point('train.acc', event.acc)]);
    else if (event.kind === 'sample') {
      const points = [point('pvll.measured', event.measured), point('pvll.memory.size', event.memorySize)];
      if (event.predicted !== null) points.push(point('pvll.predicted', event.predicted));
      reporter.metrics(points);
    } else if (event.kind === 'fit') {
      const points = [point('pvll.fit.loss', event.loss)];
      if (event.spearman !== null && Number.isFinite(event.spearman)) points.push(point('pvll.fit.spearman', event.spearman));
      reporter.metrics(points);
    } else {
      this.iteration = event.index + 1;
      const final = this.iteration === this.ctx.config.epochs;
      await this.report.endEpoch({ step: this.stepIndex, epoch: this.iteration, final });
    }
    reporter.progress(this.stepIndex, this.totalSteps);
    return { done: this.stepIndex >= this.totalSteps, epochEnd: event.kind === 'iteration' };
  }

  saveState(out: StateWriter): void {
    out.json('step', { stepIndex: this.stepIndex, iteration: this.iteration });
    saveSupernet(this.net, out.scope('net'));
    this.trainer.saveState(out.scope('sgd'));
    this.search.saveState(out.scope('pvll'));
    saveBatchSource(this.data.train, out.scope('train-batches'));
    saveBatchSource(this.data.valid, out.scope('valid-batches'));
  }

  loadState(from: StateReader): void {
    ({ stepIndex: this.stepIndex, iteration: this.iteration } = from.json<{ stepIndex: number; iteration: number }>('step'));
    loadSupernet(this.net, from.scope('net'));
    this.trainer.loadState(from.scope('sgd'));
    this.search.loadState(from.scope('pvll'));
    loadBatchSource(this.data.train, from.scope('train-batches'));
    loadBatchSource(this.data.valid, from.scope('valid-batches'));
  }

  genotype(): Genotype {
    return this.view.derive(this.view.snapshot());
  }

  dispose(): void {
    this.report.dispose();
    this.search.dispose();
    this.trainer.dispose();
    this.net.dispose();
  }

  private learningRate(): number {
    const { config } = this.ctx;
    return cosineLearningRate(Math.min(this.iteration, config.epochs - 1), config.epochs, config.learningRate, config.learningRateMin);
  }

  /** H as edge weights: the relaxed sample, or its arg-max op per edge alone. */
  private edgeWeights(h: Rows[]): CellWeights {
    if (this.ctx.config.sampleForward === 'relaxed') return cellWeights(this.net, h.map((rows) => tf.tensor2d(rows)));
    const choice = h.flatMap((rows) => argmaxRows(rows));
    const oneHots = h.map((rows) => tf.oneHot(tf.tensor1d(argmaxRows(rows), 'int32'), rows[0].length, 1, 0, 'float32') as tf.Tensor2D);
    return cellWeights(this.net, oneHots, choice);
  }

  private trainBatch(h: Rows[]): { loss: number; acc: number } {
    const batch = this.data.train.next();
    try {
      const { loss, acc } = this.trainer.step(batch, () => this.edgeWeights(h), this.learningRate());
      return { loss, acc };
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }

  private evaluate(h: Rows[]): number {
    const weights = this.net.params.list();
    const saved = this.ctx.config.unrolled ? this.lookAhead(h) : null;
    const batches: Batch[] = Array.from({ length: this.ctx.config.validBatches }, () => this.data.valid.next());
    try {
      let sum = 0;
      let count = 0;
      for (const b of batches) {
        const loss = tf.tidy(() => crossEntropy(this.net.forward(b.x, this.edgeWeights(h)), b.y));
        sum += loss.dataSync()[0] * b.y.shape[0];
        count += b.y.shape[0];
        loss.dispose();
      }
      return sum / count;
    } finally {
      tf.dispose(batches.flatMap((b) => [b.x, b.y]));
      if (saved) {
        weights.forEach((w, i) => w.assign(saved[i]));
        tf.dispose(saved);
      }
    }
  }

  /** Second order: w ← w − ξ∇w L_train(w, H) on one batch (ξ the current learning rate); returns the weights before. */
  private lookAhead(h: Rows[]): tf.Tensor[] {
    const weights = this.net.params.list();
    const saved = weights.map((w) => w.clone());
    const batch = this.data.train.next();
    try {
      const { value, grads } = tf.variableGrads(() => crossEntropy(this.net.forward(batch.x, this.edgeWeights(h)), batch.y), weights);
      value.dispose();
      const lr = this.learningRate();
      weights.forEach((w) => {
        if (!grads[w.name]) return; // an op the discrete sample does not run
        const next = tf.tidy(() => tf.sub(w, tf.mul(grads[w.name], lr)));
        w.assign(next);
        next.dispose();
      });
      tf.dispose(Object.values(grads));
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
    return saved;
  }
}

/** The registry's factory: PVLL-NAS on the run's dataset. */
export async function createPvllStrategy(ctx: StrategyContext<PvllConfig>): Promise<PvllStrategy> {
  return new PvllStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
