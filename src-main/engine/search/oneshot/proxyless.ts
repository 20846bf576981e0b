import * as tf from '@tensorflow/tfjs';
import type { ProxylessConfig } from '../../../../src-shared/model/algorithms/proxyless';
import { crossEntropy } from '../../evaluate/classification';
import { archVariables } from '../../supernet/arch-params';
import type { Supernet } from '../../supernet/types';
import { oneHotRows, softmaxRows, type Rows } from '../sampled/gumbel';
import { archRows, cellWeights, rowTensors } from '../sampled/supernet-objective';
import type { StrategyContext } from '../strategy';
import type { Batch } from './architect';
import { binaryGateAlphaGrad, drawGates, rescaleInvolved, sampleIndex } from './binary-gates';
import { loadOneShotData, type DartsData } from './data';
import { SampledArchSearch } from './sampled-arch';
import type { OneShotStep, Relaxation, StepFigure } from './template';

/**
 * ∂L/∂g of one batch's loss w.r.t. the binary gates, every edge computing only its involved ops
 * (`involved[e]`, the gate of its first op 1, of the others 0); rows in `net.arch` order. The gates
 * of the ops not computed get the constant term's gradient, which the estimator never reads.
 */
export function gateGradients(net: Supernet, batch: Batch, involved: readonly (readonly number[])[]): { loss: number; grad: Rows } {
  const width = net.arch.flatMap((a) => a.edgeOps.map((ops) => ops.length));
  const gates = rowTensors(net, involved.map((ops, e) => oneHotRows([ops[0]], width[e])[0]));
  const { value, grads } = tf.valueAndGrads((...g: tf.Tensor[]) => crossEntropy(net.forward(batch.x, cellWeights(net, g as tf.Tensor2D[], involved)), batch.y))(gates);
  const loss = value.dataSync()[0];
  const grad = grads.flatMap((g) => g.arraySync() as number[][]);
  tf.dispose([value, ...grads, ...gates]);
  return { loss, grad };
}

/**
 * ProxylessNAS, gradient mode 'two' (the authors' `nas_manager.py` `train` and `gradient_step`):
 * per batch, a weight step on one op per edge drawn from softmax(α), only that op computed; then,
 * every `archUpdateEvery` batches from epoch `archWarmupEpochs` on, an α step on a valid batch: two
 * ops per edge drawn from softmax(α) without replacement, the active one from their renormalised
 * probabilities, only those two computed; α's gradient from the gates' (binary-gates.ts), Adam, and
 * the two α's shifted so the other ops' probabilities stay as they were. An edge whose active op is
 * `none` leaves its α alone (the authors' `is_zero_layer` case). Genotype: DARTS's parse of α.
 */
export class ProxylessStrategy extends SampledArchSearch<ProxylessConfig> {
  /** Each flat edge row's op names, in `net.arch` order. */
  private readonly rowOps: readonly (readonly string[])[];

  constructor(ctx: StrategyContext<ProxylessConfig>, data: DartsData) {
    super(ctx, data, { label: 'ProxylessNAS', order: 'weights-first' }, 'binary-gates');
    this.rowOps = this.net.arch.flatMap((a) => a.edgeOps);
    const narrow = this.rowOps.findIndex((ops) => ops.length < 2);
    if (narrow >= 0) {
      throw new Error(`ProxylessNAS draws two ops per edge, but edge ${narrow} has only ${this.rowOps[narrow].join(', ')}: give every edge at least two ops`);
    }
    const { config } = ctx;
    ctx.reporter.log('info', `ProxylessNAS supernet: ${this.net.params.count()} weights, one op per edge for the weights, two for α every ${config.archUpdateEvery} batches from epoch ${config.archWarmupEpochs}, ${this.totalSteps} steps`);
  }

  protected relax(): Relaxation {
    const probs = softmaxRows(archRows(this.net));
    const choice = probs.map((p) => sampleIndex(p, this.sampling));
    const tensors = rowTensors(this.net, choice.map((k, e) => oneHotRows([k], probs[e].length)[0]));
    return { weights: () => cellWeights(this.net, tensors, choice), dispose: () => tf.dispose(tensors) };
  }

  protected updateArchitecture(step: OneShotStep): StepFigure[] {
    const { config } = this.ctx;
    const batchInEpoch = this.stepIndex % this.data.stepsPerEpoch;
    if (step.epoch < config.archWarmupEpochs || (batchInEpoch + 1) % config.archUpdateEvery !== 0) return [];
    const alpha = archRows(this.net);
    const probs = softmaxRows(alpha);
    const involved = alpha.map((row, e) => drawGates(row, probs[e], this.sampling).involved);
    const { loss, grad: gateGrads } = gateGradients(this.net, step.valid(), involved);
    const updated = involved.map(([active], e) => this.rowOps[e][active] !== 'none');
    const grads = rowTensors(this.net, alpha.map((row, e) => (updated[e] ? binaryGateAlphaGrad(row, involved[e], gateGrads[e]) : row.map(() => 0))));
    try {
      this.archOptimizer.step(archVariables(this.net), grads);
    } finally {
      tf.dispose(grads);
    }
    const after = archRows(this.net);
    const rescaled = rowTensors(this.net, after.map((row, e) => (updated[e] ? rescaleInvolved(alpha[e], row, involved[e]) : row)));
    this.net.arch.forEach((a, i) => a.alpha.assign(rescaled[i]));
    tf.dispose(rescaled);
    return [['search.valid.loss', loss]];
  }
}

/** The registry's factory: ProxylessNAS on the run's dataset. */
export async function createProxylessStrategy(ctx: StrategyContext<ProxylessConfig>): Promise<ProxylessStrategy> {
  return new ProxylessStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
