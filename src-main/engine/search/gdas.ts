import * as tf from '@tensorflow/tfjs';
import type { GdasConfig } from '../../../src-shared/model/algorithms/gdas';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { Rng } from '../../../src-shared/model/rng';
import { archVariables } from '../supernet/arch-params';
import { crossEntropy } from '../evaluate/classification';
import type { Supernet } from '../supernet/types';
import type { Batch } from './architect';
import type { DartsData } from './darts';
import { AdamL2, cosineLearningRate } from '../optim/optimizers';
import { alphaSnapshot, deriveGenotype } from './epoch-report';
import { endOfEpoch } from './sampled/epoch-end';
import { argmaxRows, gumbelNoise, gumbelSoftmaxTensor, straightThrough } from './sampled/gumbel';
import { loadOneShotData } from './one-shot-data';
import { buildSampledParts, loadSampledParts, saveSampledParts, type SampledParts } from './sampled/sampled-parts';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { cellWeights, splitRows } from './sampled/supernet-objective';
import { WeightTrainer } from './sampled/weight-trainer';
import type { SearchStrategy, StepResult, StrategyContext } from './strategy';

/** GDAS's temperature at an epoch: linear from tauMax at the first epoch to tauMin at the last. */
export function gdasTau(epoch: number, epochs: number, tauMax: number, tauMin: number): number {
  return epochs <= 1 ? tauMax : tauMax - ((tauMax - tauMin) * epoch) / (epochs - 1);
}

/**
 * One Gumbel-max draw per edge: the noise and the soft sample's value (tensors, one per cell type,
 * made before any gradient tape, so the tape sees them as constants: GDAS's `probs.detach()`) and the
 * chosen op indices.
 */
interface Draw {
  noise: tf.Tensor2D[];
  softValues: tf.Tensor2D[];
  choice: number[];
}

/**
 * GDAS (Dong and Yang, CVPR 2019; AutoDL-Projects `search_func_gdas`): per batch, a weight step on a
 * train batch, then an α step on a valid batch, each through its own Gumbel-max sample of one op per
 * edge. Only the sampled op runs; hardwts = one_hot − stop_grad(soft) + soft carries the gradient
 * of softmax((α + G)/τ) back to α (straight-through).
 */
export class GdasStrategy implements SearchStrategy {
  readonly totalSteps: number;
  readonly net: Supernet;
  private readonly trainer: WeightTrainer;
  private readonly archOptimizer: AdamL2;
  private readonly sampling: Rng;
  private stepIndex = 0;

  constructor(private readonly ctx: StrategyContext<GdasConfig>, private readonly data: DartsData) {
    const { config } = ctx;
    ({ net: this.net, trainer: this.trainer, archOptimizer: this.archOptimizer, sampling: this.sampling, totalSteps: this.totalSteps } =
      buildSampledParts(ctx, data, 'GDAS'));
    ctx.reporter.log('info', `GDAS supernet: ${this.net.params.count()} weights, τ ${config.tauMax} → ${config.tauMin}, ${this.totalSteps} steps`);
  }

  async step(): Promise<StepResult> {
    if (this.stepIndex >= this.totalSteps) return { done: true };
    const { config, reporter } = this.ctx;
    const perEpoch = this.data.stepsPerEpoch;
    const epoch = Math.floor(this.stepIndex / perEpoch);
    const lr = cosineLearningRate(epoch, config.epochs, config.learningRate, config.learningRateMin);
    const tau = gdasTau(epoch, config.epochs, config.tauMax, config.tauMin);
    const train = this.data.train.next();
    const valid = this.data.valid.next();
    let epochEnd = false;
    try {
      const weightDraw = this.draw(tau);
      const { loss, acc } = this.withDraw(weightDraw, () => this.trainer.step(train, () => this.hardWeights(weightDraw, tau), lr));
      const validLoss = this.archStep(valid, tau);
      this.stepIndex++;
      const at = { step: this.stepIndex, epoch: this.stepIndex / perEpoch };
      const point = (key: string, value: number): MetricPoint => ({ ...at, key, value });
      reporter.metrics([point('train.loss', loss), point('train.acc', acc), point('search.valid.loss', validLoss), point('lr', lr), point('tau', tau)]);
      epochEnd = this.stepIndex % perEpoch === 0 || this.stepIndex === this.totalSteps;
      if (epochEnd) {
        await endOfEpoch(this.ctx, this.net, this.data, this.ctx.rng.fork(`hessian-${epoch}`), { step: this.stepIndex, epoch: epoch + 1, final: this.stepIndex === this.totalSteps });
      }
      reporter.progress(this.stepIndex, this.totalSteps);
    } finally {
      tf.dispose([train.x, train.y, valid.x, valid.y]);
    }
    return { done: this.stepIndex >= this.totalSteps, epochEnd };
  }

  saveState(out: StateWriter): void {
    out.json('step', this.stepIndex);
    saveSampledParts(this.parts(), this.data, out);
  }

  loadState(from: StateReader): void {
    this.stepIndex = from.json<number>('step');
    loadSampledParts(this.parts(), this.data, from);
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

  /** Gumbel-max: G per (edge, op), the op of largest α + G per edge (GDAS's index of max probs). */
  private draw(tau: number): Draw {
    const alphas = this.net.arch.map((a) => a.alpha.arraySync());
    const noise = alphas.map((rows) => gumbelNoise(this.sampling, rows));
    const choice = alphas.flatMap((rows, i) => argmaxRows(rows.map((row, e) => row.map((a, k) => a + noise[i][e][k]))));
    const noiseTensors = noise.map((n) => tf.tensor2d(n));
    const softValues = this.net.arch.map((a, i) => tf.tidy(() => gumbelSoftmaxTensor(a.alpha, noiseTensors[i], tau)));
    return { noise: noiseTensors, softValues, choice };
  }

  private withDraw<T>(draw: Draw, run: () => T): T {
    try {
      return run();
    } finally {
      tf.dispose([...draw.noise, ...draw.softValues]);
    }
  }

  /** Straight-through one-hot edge weights of a draw; differentiable in α when called under a tape. */
  private hardWeights(draw: Draw, tau: number, alphas: readonly tf.Tensor2D[] = archVariables(this.net) as tf.Variable<tf.Rank.R2>[]) {
    const choices = splitRows(this.net, draw.choice);
    const weights = alphas.map((a, i) => straightThrough(gumbelSoftmaxTensor(a, draw.noise[i], tau), draw.softValues[i], choices[i]));
    return cellWeights(this.net, weights, draw.choice);
  }

  /** One Adam step of α on L_val of a fresh single-path sample; returns that loss. */
  private archStep(valid: Batch, tau: number): number {
    const draw = this.draw(tau);
    return this.withDraw(draw, () => {
      const alphas = archVariables(this.net);
      const { value, grads } = tf.variableGrads(() => crossEntropy(this.net.forward(valid.x, this.hardWeights(draw, tau)), valid.y), alphas);
      const loss = value.dataSync()[0];
      value.dispose();
      // A path of `none`s can cut a cell type off from the loss (no gradient at all): PyTorch's Adam
      // skips such a parameter, and so do we.
      const reached = alphas.filter((a) => grads[a.name]);
      this.archOptimizer.step(reached, reached.map((a) => grads[a.name]));
      tf.dispose(Object.values(grads));
      return loss;
    });
  }
}

/** The registry's factory: GDAS on the run's dataset. */
export async function createGdasStrategy(ctx: StrategyContext<GdasConfig>): Promise<GdasStrategy> {
  return new GdasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
