import * as tf from '@tensorflow/tfjs';
import type { DrnasConfig } from '../../../../src-shared/model/algorithms/drnas';
import { archVariables } from '../../supernet/arch-params';
import type { Supernet } from '../../supernet/types';
import { archRows, cellWeights, rowTensors, supernetObjective } from '../sampled/supernet-objective';
import type { Rows } from '../sampled/gumbel';
import type { StrategyContext } from '../strategy';
import { loadOneShotData, type DartsData } from './data';
import { concentration, dirichletKl, dirichletKlGrad, dirichletSample, dirichletVjp, type DirichletDraw } from './dirichlet';
import { alphaSnapshot, deriveGenotype, type OneShotView } from './epoch-report';
import { SampledArchSearch } from './sampled-arch';
import type { OneShotStep, Relaxation, StepFigure } from './template';

/**
 * The deterministic view the diagnostics need (validation, Hessian): edges weighted by the
 * Dirichlet's mean (elu(β) + 1)/Σ, differentiable in β; the genotype is the arg-max of softmax(β).
 */
export function dirichletMeanView(net: Supernet): OneShotView {
  const mean = (beta: tf.Tensor2D) => {
    const a = tf.add(tf.elu(beta), 1);
    return tf.div(a, tf.sum(a, 1, true)) as tf.Tensor2D;
  };
  return {
    alphas: net.arch.map((a) => a.alpha),
    snapshot: () => alphaSnapshot(net),
    logits: (x, alphas) => net.forward(x, cellWeights(net, alphas.map((b) => mean(b as tf.Tensor2D)))),
    derive: deriveGenotype,
  };
}

/**
 * DrNAS (first order, DARTS's order as in the authors' `train_search.py`): per batch, one Adam step
 * of β on L_val at a fresh Dirichlet draw (pathwise gradient) plus klScale·KL to the prior, then one
 * weight step at another fresh draw.
 */
export class DrnasStrategy extends SampledArchSearch<DrnasConfig> {
  constructor(ctx: StrategyContext<DrnasConfig>, data: DartsData) {
    super(ctx, data, { label: 'DrNAS', order: 'arch-first', view: dirichletMeanView }, 'dirichlet');
    const { config } = ctx;
    ctx.reporter.log('info', `DrNAS supernet: ${this.net.params.count()} weights, KL ×${config.klScale} to Dir(${config.klPrior}), ${this.totalSteps} steps`);
  }

  /** One Dirichlet draw per edge at the current β. */
  private draw(): { draws: DirichletDraw[]; a: Rows; slope: Rows } {
    const beta = archRows(this.net);
    const a = beta.map((row) => row.map((b) => concentration(b).value));
    const slope = beta.map((row) => row.map((b) => concentration(b).slope));
    return { draws: a.map((row) => dirichletSample(row, this.sampling)), a, slope };
  }

  protected relax(): Relaxation {
    const tensors = rowTensors(this.net, this.draw().draws.map((d) => d.w));
    return { weights: () => cellWeights(this.net, tensors), dispose: () => tf.dispose(tensors) };
  }

  protected updateArchitecture(step: OneShotStep): StepFigure[] {
    const { config } = this.ctx;
    const { draws, a, slope } = this.draw();
    const { value, grad } = supernetObjective(this.net, step.valid()).relaxed(draws.map((d) => d.w));
    const prior = a[0].map(() => config.klPrior);
    let kl = 0;
    const gradBeta = draws.map((d, e) => {
      const dA = dirichletVjp(d, a[e], grad[e]);
      const dKl = dirichletKlGrad(a[e], prior);
      kl += dirichletKl(a[e], prior);
      return dA.map((g, k) => (g + config.klScale * dKl[k]) * slope[e][k]);
    });
    const grads = rowTensors(this.net, gradBeta);
    try {
      this.archOptimizer.step(archVariables(this.net), grads);
    } finally {
      tf.dispose(grads);
    }
    return [['search.valid.loss', value], ['drnas.kl', kl]];
  }
}

/** The registry's factory: DrNAS on the run's dataset. */
export async function createDrnasStrategy(ctx: StrategyContext<DrnasConfig>): Promise<DrnasStrategy> {
  return new DrnasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
