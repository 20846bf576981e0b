import * as tf from '@tensorflow/tfjs';
import type { GdasConfig } from '../../../../src-shared/model/algorithms/gdas';
import { crossEntropy } from '../../evaluate/classification';
import { archVariables } from '../../supernet/arch-params';
import type { Batch } from '../oneshot/architect';
import { loadOneShotData, type DartsData } from '../oneshot/data';
import { SampledArchSearch } from '../oneshot/sampled-arch';
import type { OneShotStep, Relaxation, StepFigure } from '../oneshot/template';
import type { StrategyContext } from '../strategy';
import { argmaxRows, gumbelNoise, gumbelSoftmaxTensor, straightThrough } from './gumbel';
import { cellWeights, splitRows } from './supernet-objective';

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
export class GdasStrategy extends SampledArchSearch<GdasConfig> {
  constructor(ctx: StrategyContext<GdasConfig>, data: DartsData) {
    super(ctx, data, { label: 'GDAS', order: 'weights-first' }, 'gumbel');
    const { config } = ctx;
    ctx.reporter.log('info', `GDAS supernet: ${this.net.params.count()} weights, τ ${config.tauMax} → ${config.tauMin}, ${this.totalSteps} steps`);
  }

  private tau(epoch: number): number {
    const { config } = this.ctx;
    return gdasTau(epoch, config.epochs, config.tauMax, config.tauMin);
  }

  protected relax(step: OneShotStep): Relaxation {
    const tau = this.tau(step.epoch);
    const draw = this.draw(tau);
    return { weights: () => this.hardWeights(draw, tau), dispose: () => disposeDraw(draw) };
  }

  /** One Adam step of α on L_val of a fresh single-path sample. */
  protected updateArchitecture(step: OneShotStep): StepFigure[] {
    const tau = this.tau(step.epoch);
    const valid = step.valid();
    const draw = this.draw(tau);
    try {
      return [['search.valid.loss', this.archStep(valid, draw, tau)], ['tau', tau]];
    } finally {
      disposeDraw(draw);
    }
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

  /** Straight-through one-hot edge weights of a draw; differentiable in α when called under a tape. */
  private hardWeights(draw: Draw, tau: number) {
    const alphas = archVariables(this.net) as tf.Variable<tf.Rank.R2>[];
    const choices = splitRows(this.net, draw.choice);
    const weights = alphas.map((a, i) => straightThrough(gumbelSoftmaxTensor(a, draw.noise[i], tau), draw.softValues[i], choices[i]));
    return cellWeights(this.net, weights, draw.choice);
  }

  /** One Adam step of α on L_val under a draw; returns that loss. */
  private archStep(valid: Batch, draw: Draw, tau: number): number {
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
  }
}

function disposeDraw(draw: Draw): void {
  tf.dispose([...draw.noise, ...draw.softValues]);
}

/** The registry's factory: GDAS on the run's dataset. */
export async function createGdasStrategy(ctx: StrategyContext<GdasConfig>): Promise<GdasStrategy> {
  return new GdasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
