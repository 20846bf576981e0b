import * as tf from '@tensorflow/tfjs';
import type { SnasConfig } from '../../../src-shared/model/algorithms/snas';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { Rng } from '../../../src-shared/model/rng';
import { archVariables } from '../supernet/arch-params';
import type { Supernet } from '../supernet/types';
import type { DartsData } from './darts';
import { AdamL2, cosineLearningRate } from '../optim/optimizers';
import { alphaSnapshot, deriveGenotype } from './epoch-report';
import { endOfEpoch } from './sampled/epoch-end';
import { createEstimator, estimatorVariance, type GradientEstimator } from './sampled/estimators';
import { gumbelNoise, gumbelSoftmaxTensor } from './sampled/gumbel';
import { loadOneShotData } from './one-shot-data';
import { buildSampledParts, loadSampledParts, saveSampledParts, type SampledParts } from './sampled/sampled-parts';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { archRows, cellWeights, rowTensors, supernetObjective } from './sampled/supernet-objective';
import { WeightTrainer } from './sampled/weight-trainer';
import type { SearchStrategy, StepResult, StrategyContext } from './strategy';

/** SNAS's temperature at an epoch: temperature · temperatureDecay^epoch. */
export function snasTau(epoch: number, temperature: number, decay: number): number {
  return temperature * decay ** epoch;
}

/**
 * SNAS (Xie et al., ICLR 2019): per training batch, the edge weights are one Gumbel-softmax sample
 * Z = softmax((α + G)/τ) over all ops; the weights take an SGD step on L(Z) and α an Adam step.
 * With `estimator: 'gumbel'` (SNAS's own) one backward pass gives both gradients; 'sf', 'relax' and
 * 'ram' replace α's gradient by that estimator of ∇α E_b[L(b)] on the same batch (Huang 2019).
 */
export class SnasStrategy implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  private readonly trainer: WeightTrainer;
  private readonly archOptimizer: AdamL2;
  private readonly estimator: GradientEstimator;
  private readonly sampling: Rng;
  private stepIndex = 0;

  constructor(private readonly ctx: StrategyContext<SnasConfig>, private readonly data: DartsData) {
    const { config } = ctx;
    ({ net: this.net, trainer: this.trainer, archOptimizer: this.archOptimizer, sampling: this.sampling, totalSteps: this.totalSteps } =
      buildSampledParts(ctx, data, 'SNAS'));
    this.estimator = createEstimator(config.estimator, config);
    ctx.reporter.log('info', `SNAS supernet: ${this.net.params.count()} weights, estimator ${config.estimator}, τ0 ${config.temperature} ×${config.temperatureDecay}/epoch, ${this.totalSteps} steps`);
  }

  async step(): Promise<StepResult> {
    if (this.stepIndex >= this.totalSteps) return { done: true };
    const { config, reporter } = this.ctx;
    const perEpoch = this.data.stepsPerEpoch;
    const epoch = Math.floor(this.stepIndex / perEpoch);
    const lr = cosineLearningRate(epoch, config.epochs, config.learningRate, config.learningRateMin);
    const tau = snasTau(epoch, config.temperature, config.temperatureDecay);
    const train = this.data.train.next();
    const alphas = archVariables(this.net);
    const noise = this.net.arch.map((a) => tf.tensor2d(gumbelNoise(this.sampling, a.alpha.arraySync())));
    let archGrads: tf.Tensor[] = [];
    let epochEnd = false;
    try {
      const own = config.estimator === 'gumbel';
      const sample = () => cellWeights(this.net, alphas.map((a, i) => gumbelSoftmaxTensor(a as tf.Variable<tf.Rank.R2>, noise[i], tau)));
      const result = this.trainer.step(train, sample, lr, own ? alphas : []);
      let searchLoss = result.loss;
      if (own) {
        archGrads = result.extraGrads;
      } else {
        const estimate = this.estimator.estimate(archRows(this.net), supernetObjective(this.net, train), this.sampling, tau);
        archGrads = rowTensors(this.net, estimate.grad);
        searchLoss = estimate.loss;
      }
      this.archOptimizer.step(alphas, archGrads);
      this.stepIndex++;
      const at = { step: this.stepIndex, epoch: this.stepIndex / perEpoch };
      const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
      reporter.metrics([point('train.loss', result.loss), point('train.acc', result.acc), point('search.loss', searchLoss), point('lr', lr), point('tau', tau)]);
      epochEnd = this.stepIndex % perEpoch === 0 || this.stepIndex === this.totalSteps;
      if (epochEnd) await this.endOfEpoch(epoch, tau);
      reporter.progress(this.stepIndex, this.totalSteps);
    } finally {
      tf.dispose([train.x, train.y, ...noise, ...archGrads]);
    }
    return { done: this.stepIndex >= this.totalSteps, epochEnd };
  }

  saveState(out: StateWriter): void {
    out.json('step', this.stepIndex);
    saveSampledParts(this.parts(), this.data, out);
    this.estimator.saveState(out.scope('estimator'));
  }

  loadState(from: StateReader): void {
    this.stepIndex = from.json<number>('step');
    loadSampledParts(this.parts(), this.data, from);
    this.estimator.loadState(from.scope('estimator'));
  }

  genotype(): Genotype {
    return deriveGenotype(alphaSnapshot(this.net));
  }

  private parts(): SampledParts {
    return { net: this.net, trainer: this.trainer, archOptimizer: this.archOptimizer, sampling: this.sampling, totalSteps: this.totalSteps };
  }

  dispose(): void {
    this.archOptimizer.dispose();
    this.trainer.dispose();
    this.net.dispose();
  }

  /** The shared diagnostics, plus each chosen estimator's gradient variance over repeated draws on one batch. */
  private async endOfEpoch(epoch: number, tau: number): Promise<void> {
    const { config, reporter } = this.ctx;
    const at = { step: this.stepIndex, epoch: epoch + 1, final: this.stepIndex === this.totalSteps };
    await endOfEpoch(this.ctx, this.net, this.data, this.ctx.rng.fork(`hessian-${epoch}`), at);
    const batch = this.data.train.next();
    try {
      const objective = supernetObjective(this.net, batch);
      const alpha = archRows(this.net);
      const rng = this.ctx.rng.fork(`variance-${epoch}`);
      const points: MetricPoint[] = [];
      for (const name of config.varianceEstimators ?? [config.estimator]) {
        const estimator = name === config.estimator ? this.estimator : createEstimator(name, config);
        const value = estimatorVariance(estimator, alpha, objective, rng, tau, config.varianceDraws);
        points.push({ step: at.step, epoch: at.epoch, key: `estimator.variance.${name}`, value });
        if (name === config.estimator) points.push({ step: at.step, epoch: at.epoch, key: 'estimator.variance', value });
      }
      reporter.metrics(points);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
}

/** The registry's factory: SNAS on the run's dataset. */
export async function createSnasStrategy(ctx: StrategyContext<SnasConfig>): Promise<SnasStrategy> {
  return new SnasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
