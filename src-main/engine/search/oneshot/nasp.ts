import * as tf from '@tensorflow/tfjs';
import type { NaspConfig } from '../../../../src-shared/model/algorithms/nasp';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { AdamL2 } from '../../optim/optimizers';
import { archVariables } from '../../supernet/arch-params';
import type { Supernet } from '../../supernet/types';
import { archRows, cellWeights, rowTensors, supernetObjective } from '../sampled/supernet-objective';
import type { StrategyContext } from '../strategy';
import type { Batch } from './architect';
import { loadOneShotData, type DartsData } from './data';
import { alphaSnapshot, deriveGenotype, type OneShotView } from './epoch-report';
import { argmax, parameterShares, proxBox, proxOneHot, sizePenalty } from './proximal';
import { OneShotSearch, type OneShotStep, type Relaxation, type StepFigure } from './template';

/** The discrete architecture of α: prox_{C1∩C2} of every edge's row, in `net.arch` order, and each edge's kept op. */
export function discreteArchitecture(rows: readonly (readonly number[])[]): { rows: number[][]; choice: number[] } {
  const proxed = rows.map(proxOneHot);
  return { rows: proxed.map((p) => p.values), choice: proxed.map((p) => p.index) };
}

/** Each edge's parameter shares (the size penalty's weights), in `net.arch` order. */
export function edgeParameterShares(net: Supernet): number[][] {
  return net.arch.flatMap((a) => a.edgeOps.map((ops) => parameterShares(ops, net.space.channels)));
}

/**
 * NASP's α gradient at the discrete architecture ā = prox(α): ∂/∂ā of L_val(w, ā) + λ·Σ ā²·share,
 * with every op of each edge computed (the authors' `updateType="alphas"` forward, w·op(x) for all
 * ops, so the gradient reaches the ops ā zeroes). Rows in `net.arch` order.
 */
export function naspArchGradient(net: Supernet, valid: Batch, alpha: readonly (readonly number[])[], shares: readonly (readonly number[])[], lambda: number) {
  const discrete = discreteArchitecture(alpha);
  const { value, grad } = supernetObjective(net, valid).relaxed(discrete.rows);
  const penalty = sizePenalty(discrete.rows, shares, lambda);
  return { loss: value, penalty: penalty.value, grad: grad.map((row, e) => row.map((g, k) => g + penalty.grad[e][k])), discrete };
}

/**
 * The diagnostics' view (validation, Hessian): the network under the discrete architecture
 * ā = α⊙mask (the authors' `infer` runs the binarized α), only each edge's kept op computed; the
 * mask is each row's arg-max, so the gradient reaches the kept entries. The genotype is DARTS's parse of α.
 */
export function proximalView(net: Supernet): OneShotView {
  return {
    alphas: net.arch.map((a) => a.alpha),
    snapshot: () => alphaSnapshot(net),
    logits: (x, alphas) => {
      const kept = alphas.map((a) => (a.arraySync() as number[][]).map(argmax));
      const masked = alphas.map((a, i) => tf.mul(a, tf.oneHot(tf.tensor1d(kept[i], 'int32'), a.shape[1] as number)) as tf.Tensor2D);
      return net.forward(x, cellWeights(net, masked, kept.flat()));
    },
    derive: deriveGenotype,
  };
}

/**
 * NASP (first order, DARTS's order as the authors' `train_search.py`): per batch, ā = prox(α); one
 * Adam step of α on the gradient of L_val at ā (plus the size penalty), then α ← clip(α, 0, 1); then
 * one weight step on the train batch under the new ā, where each edge computes only its kept op.
 * α starts at 0.5 + 1e-3·N(0, 1) (the authors' 0.5, with DARTS's noise breaking the ties their
 * arg-max would resolve to the first op everywhere).
 */
export class NaspStrategy extends OneShotSearch<NaspConfig> {
  private readonly optimizer: AdamL2;
  private readonly shares: number[][];

  constructor(ctx: StrategyContext<NaspConfig>, data: DartsData) {
    super(ctx, data, { label: 'NASP', order: 'arch-first', view: proximalView });
    const { config } = ctx;
    for (const a of this.net.arch) {
      const centred = tf.tidy(() => tf.add(a.alpha, 0.5) as tf.Tensor2D);
      a.alpha.assign(centred);
      centred.dispose();
    }
    this.optimizer = new AdamL2(config.archLearningRate, config.archBeta1, config.archBeta2, config.archWeightDecay);
    this.shares = edgeParameterShares(this.net);
    ctx.reporter.log('info', `NASP supernet: ${this.net.params.count()} weights, one op per edge in the weights' step, size penalty ${config.sizePenalty}, ${this.totalSteps} steps`);
  }

  protected relax(): Relaxation {
    const { rows, choice } = discreteArchitecture(archRows(this.net));
    const tensors = rowTensors(this.net, rows);
    return { weights: () => cellWeights(this.net, tensors, choice), dispose: () => tf.dispose(tensors) };
  }

  protected updateArchitecture(step: OneShotStep): StepFigure[] {
    const { loss, penalty, grad } = naspArchGradient(this.net, step.valid(), archRows(this.net), this.shares, this.ctx.config.sizePenalty);
    const grads = rowTensors(this.net, grad);
    try {
      this.optimizer.step(archVariables(this.net), grads);
    } finally {
      tf.dispose(grads);
    }
    const clipped = rowTensors(this.net, archRows(this.net).map(proxBox));
    this.net.arch.forEach((a, i) => a.alpha.assign(clipped[i]));
    tf.dispose(clipped);
    return [['search.valid.loss', loss], ['nasp.size_penalty', penalty]];
  }

  protected saveMethodState(out: StateWriter): void {
    this.optimizer.saveState(out.scope('adam'), archVariables(this.net));
  }

  protected loadMethodState(from: StateReader): void {
    this.optimizer.loadState(from.scope('adam'), archVariables(this.net));
  }

  protected disposeMethod(): void {
    this.optimizer.dispose();
  }
}

/** The registry's factory: NASP on the run's dataset. */
export async function createNaspStrategy(ctx: StrategyContext<NaspConfig>): Promise<NaspStrategy> {
  return new NaspStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
