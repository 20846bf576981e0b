import * as tf from '@tensorflow/tfjs';
import type { SnasConfig } from '../../../../src-shared/model/algorithms/snas';
import type { MetricPoint } from '../../../../src-shared/model/metrics';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { archVariables } from '../../supernet/arch-params';
import { loadOneShotData, type DartsData } from '../oneshot/data';
import { SampledArchSearch } from '../oneshot/sampled-arch';
import type { OneShotStep, Relaxation, StepFigure } from '../oneshot/template';
import type { WeightStepResult } from '../oneshot/weight-trainer';
import type { StrategyContext } from '../strategy';
import { createEstimator, estimatorVariance, type GradientEstimator } from './estimators';
import { gumbelNoise, gumbelSoftmaxTensor } from './gumbel';
import { archRows, cellWeights, rowTensors, supernetObjective } from './supernet-objective';

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
export class SnasStrategy extends SampledArchSearch<SnasConfig> {
  private readonly estimator: GradientEstimator;

  constructor(ctx: StrategyContext<SnasConfig>, data: DartsData) {
    super(ctx, data, { label: 'SNAS', order: 'weights-first' }, 'gumbel');
    const { config } = ctx;
    this.estimator = createEstimator(config.estimator, config);
    ctx.reporter.log('info', `SNAS supernet: ${this.net.params.count()} weights, estimator ${config.estimator}, τ0 ${config.temperature} ×${config.temperatureDecay}/epoch, ${this.totalSteps} steps`);
  }

  private tau(epoch: number): number {
    return snasTau(epoch, this.ctx.config.temperature, this.ctx.config.temperatureDecay);
  }

  /** One Gumbel-softmax sample over all ops; with SNAS's own estimator the same pass differentiates α. */
  protected relax(step: OneShotStep): Relaxation {
    const tau = this.tau(step.epoch);
    const alphas = archVariables(this.net);
    const noise = this.net.arch.map((a) => tf.tensor2d(gumbelNoise(this.sampling, a.alpha.arraySync())));
    return {
      weights: () => cellWeights(this.net, alphas.map((a, i) => gumbelSoftmaxTensor(a as tf.Variable<tf.Rank.R2>, noise[i], tau))),
      differentiate: this.ctx.config.estimator === 'gumbel' ? alphas : [],
      dispose: () => tf.dispose(noise),
    };
  }

  protected updateArchitecture(step: OneShotStep, weightStep: WeightStepResult | null): StepFigure[] {
    if (!weightStep) throw new Error('SNAS updates α from its weight step: it must run weights-first');
    const tau = this.tau(step.epoch);
    const alphas = archVariables(this.net);
    if (this.ctx.config.estimator === 'gumbel') {
      this.archOptimizer.step(alphas, weightStep.extraGrads);
      return [['search.loss', weightStep.loss], ['tau', tau]];
    }
    const estimate = this.estimator.estimate(archRows(this.net), supernetObjective(this.net, step.train), this.sampling, tau);
    const grads = rowTensors(this.net, estimate.grad);
    try {
      this.archOptimizer.step(alphas, grads);
    } finally {
      tf.dispose(grads);
    }
    return [['search.loss', estimate.loss], ['tau', tau]];
  }

  protected override saveMethodState(out: StateWriter): void {
    super.saveMethodState(out);
    this.estimator.saveState(out.scope('estimator'));
  }

  protected override loadMethodState(from: StateReader): void {
    super.loadMethodState(from);
    this.estimator.loadState(from.scope('estimator'));
  }

  /** Each chosen estimator's gradient variance over repeated draws on one batch. */
  protected override async endOfEpoch(epoch: number, at: { step: number; epoch: number }): Promise<MetricPoint[]> {
    const { config } = this.ctx;
    const tau = this.tau(epoch);
    const batch = this.data.train.next();
    try {
      const objective = supernetObjective(this.net, batch);
      const alpha = archRows(this.net);
      const rng = this.ctx.rng.fork(`variance-${epoch}`);
      const points: MetricPoint[] = [];
      for (const name of config.varianceEstimators ?? [config.estimator]) {
        const estimator = name === config.estimator ? this.estimator : createEstimator(name, config);
        const value = estimatorVariance(estimator, alpha, objective, rng, tau, config.varianceDraws);
        points.push({ ...at, key: `estimator.variance.${name}`, value });
        if (name === config.estimator) points.push({ ...at, key: 'estimator.variance', value });
      }
      return points;
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
}

/** The registry's factory: SNAS on the run's dataset. */
export async function createSnasStrategy(ctx: StrategyContext<SnasConfig>): Promise<SnasStrategy> {
  return new SnasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
