import * as tf from '@tensorflow/tfjs';
import type { DrnasConfig } from '../../../../src-shared/model/algorithms/drnas';
import type { Rng } from '../../../../src-shared/model/rng';
import type { DartsSpace, Nb201Op, SearchSpace } from '../../../../src-shared/model/space';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { archVariables } from '../../supernet/arch-params';
import { DartsSupernet } from '../../supernet/darts-network';
import { Nb201Supernet } from '../../supernet/nb201-network';
import type { Supernet } from '../../supernet/types';
import { archRows, cellWeights, rowTensors, supernetObjective } from '../sampled/supernet-objective';
import type { Rows } from '../sampled/gumbel';
import type { StepResult, StrategyContext } from '../strategy';
import { loadOneShotData, type DartsData } from './data';
import { concentration, dirichletKl, dirichletKlGrad, dirichletSample, dirichletVjp, type DirichletDraw } from './dirichlet';
import { alphaSnapshot, type OneShotView } from './epoch-report';
import { carryArchitecture, carryMomentum, deriveStageGenotype, keepTopOps, keptEdgeOps, StagedSupernet, widenWeights, type StageEdgeOps } from './progressive';
import { SampledArchSearch } from './sampled-arch';
import type { OneShotStep, Relaxation, StepFigure } from './template';

/**
 * The deterministic view the diagnostics need (validation, Hessian): edges weighted by the
 * Dirichlet's mean (elu(β) + 1)/Σ, differentiable in β; the genotype is the arg-max of softmax(β)
 * over each edge's own ops. `alphas` is read afresh each time: the progressive variant swaps its
 * network between stages.
 */
export function dirichletMeanView(net: Supernet): OneShotView {
  const mean = (beta: tf.Tensor2D) => {
    const a = tf.add(tf.elu(beta), 1);
    return tf.div(a, tf.sum(a, 1, true)) as tf.Tensor2D;
  };
  return {
    get alphas() {
      return net.arch.map((a) => a.alpha);
    },
    snapshot: () => alphaSnapshot(net),
    logits: (x, alphas) => net.forward(x, cellWeights(net, alphas.map((b) => mean(b as tf.Tensor2D)))),
    derive: deriveStageGenotype,
  };
}

/** The progressive variant's saved stage: 0, or 1 with the second stage's pruned op lists per cell kind. */
interface SavedStage {
  stage: 0 | 1;
  edgeOps: StageEdgeOps | null;
}

/**
 * DrNAS (first order, DARTS's order as in the authors' `train_search.py`): per batch, one Adam step
 * of β on L_val at a fresh Dirichlet draw (pathwise gradient) plus klScale·KL to the prior, then one
 * weight step at another fresh draw. With `progressive`, two stages (algorithms/drnas.ts): at the
 * second's first step each edge keeps its top ops by concentration and the ops widen.
 */
export class DrnasStrategy extends SampledArchSearch<DrnasConfig> {
  private stage: 0 | 1 = 0;

  constructor(ctx: StrategyContext<DrnasConfig>, data: DartsData) {
    const progressive = ctx.config.progressive;
    const network = progressive
      ? (space: SearchSpace, d: Pick<DartsData, 'inChannels' | 'numClasses' | 'supernetOptions'>, rng: Rng) => new StagedSupernet(DrnasStrategy.stageNetwork(space, d, progressive.firstPartialChannels, rng))
      : undefined;
    super(ctx, data, { label: 'DrNAS', order: 'arch-first', view: dirichletMeanView, network }, 'dirichlet');
    const { config } = ctx;
    const stages = progressive
      ? `; progressive: K=${progressive.firstPartialChannels} with every op for ${progressive.firstStageEpochs} epochs, then K=${progressive.secondPartialChannels} with ${progressive.keepOps} ops per edge`
      : '';
    ctx.reporter.log('info', `DrNAS supernet: ${this.net.params.count()} weights, KL ×${config.klScale} to Dir(${config.klPrior}), ${this.totalSteps} steps${stages}`);
  }

  /**
   * A stage's network: the space's supernet (DARTS cell or NAS-Bench-201) on 1/K of the channels,
   * without PC-DARTS's edge normalization (DrNAS has none), on `edgeOps` where the stage pruned them.
   */
  static stageNetwork(space: SearchSpace, data: Pick<DartsData, 'inChannels' | 'numClasses' | 'supernetOptions'>, k: number, rng: Rng, edgeOps?: StageEdgeOps): Supernet {
    const shape = { inChannels: data.inChannels, numClasses: data.numClasses };
    // The op names were the network's own (or a checkpoint's): both networks check them against the space.
    if (space.kind === 'nb201') return new Nb201Supernet(space, shape, rng, { partialChannels: k, edgeOps: edgeOps?.normal as Nb201Op[][] | undefined });
    const pruned = edgeOps ? { ...space, edgeOps: { normal: edgeOps.normal, reduce: edgeOps.reduce } as DartsSpace['edgeOps'] } : space;
    return new DartsSupernet(pruned, shape, rng, { ...data.supernetOptions, partialChannels: k, edgeNormalization: false });
  }

  override async step(): Promise<StepResult> {
    const p = this.ctx.config.progressive;
    if (p && this.stage === 0 && this.stepIndex < this.totalSteps && Math.floor(this.stepIndex / this.data.stepsPerEpoch) >= p.firstStageEpochs) this.enterSecondStage();
    return super.step();
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
    const p = config.progressive;
    if (p && step.epoch - (this.stage === 1 ? p.firstStageEpochs : 0) < p.archWarmupEpochs) return [];
    const { draws, a, slope } = this.draw();
    const { value, grad } = supernetObjective(this.net, step.valid()).relaxed(draws.map((d) => d.w));
    let kl = 0;
    const gradBeta = draws.map((d, e) => {
      const prior = a[e].map(() => config.klPrior);
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

  /**
   * The second stage: each edge keeps its `keepOps` ops of highest concentration, the network is
   * rebuilt on those at the second K, its weights (and their momentum) copied from the first and
   * widened, β and its Adam moments cut to the kept ops.
   */
  private enterSecondStage(): void {
    const p = this.ctx.config.progressive!;
    const old = this.net;
    const kept = old.arch.map((a) => keepTopOps(a.alpha.arraySync(), p.keepOps));
    // The template's fork again: the weights and β drawn here are overwritten, and the `noise` op's generator keeps its seed.
    const next = DrnasStrategy.stageNetwork(old.space, this.data, p.secondPartialChannels, this.ctx.rng.fork('supernet'), keptEdgeOps(old.arch, kept));
    const plans = widenWeights(old.params, next.params, this.ctx.rng.fork('progressive.widen'));
    carryMomentum(this.trainer.sgd, old.params, next.params, plans);
    carryArchitecture(this.archOptimizer, old, next, kept);
    next.noise.setState(old.noise.getState());
    (this.net as StagedSupernet).replace(next);
    this.stage = 1;
    const epoch = Math.floor(this.stepIndex / this.data.stepsPerEpoch);
    this.ctx.reporter.log('info', `DrNAS progressive: from epoch ${epoch + 1}, ${p.keepOps} ops per edge (by concentration) at K=${p.secondPartialChannels}; ${next.params.count()} weights`);
    this.ctx.reporter.metrics([{ step: this.stepIndex, epoch, key: 'drnas.stage', value: 2 }]);
  }

  override saveState(out: StateWriter): void {
    super.saveState(out);
    if (!this.ctx.config.progressive) return;
    const edgeOps = this.stage === 1 ? Object.fromEntries(this.net.arch.map((a) => [a.kind, a.edgeOps])) : null;
    out.json('progressive', { stage: this.stage, edgeOps } satisfies SavedStage);
  }

  override loadState(from: StateReader): void {
    const p = this.ctx.config.progressive;
    if (p) {
      // The saved stage's network first (its pruned ops, its K), so the weights load into their shapes.
      const saved = from.json<SavedStage>('progressive');
      if (saved.stage === 1 && this.stage === 0) {
        if (!saved.edgeOps) throw new Error('the checkpoint is in DrNAS\'s second stage but holds no op lists for it: it is damaged; resume from another checkpoint');
        (this.net as StagedSupernet).replace(DrnasStrategy.stageNetwork(this.net.space, this.data, p.secondPartialChannels, this.ctx.rng.fork('supernet'), saved.edgeOps));
        this.stage = 1;
      }
    }
    super.loadState(from);
  }
}

/** The registry's factory: DrNAS on the run's dataset. */
export async function createDrnasStrategy(ctx: StrategyContext<DrnasConfig>): Promise<DrnasStrategy> {
  return new DrnasStrategy(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
