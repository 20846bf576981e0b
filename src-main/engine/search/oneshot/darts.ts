import type { DartsConfig } from '../../../../src-shared/model/algorithms/darts';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { RunConfig } from '../../../../src-shared/model/run-config';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { softmaxWeights } from '../../supernet/arch-params';
import type { StrategyContext } from '../strategy';
import { Architect } from './architect';
import { loadOneShotData, type DartsData } from './data';
import { OneShotSearch, type OneShotOptions, type OneShotStep, type Relaxation, type StepFigure } from './template';

/** The configs of DARTS and of the methods built on its α update. */
export type DartsFamilyConfig = RunConfig & OneShotCommon;

export interface DartsDeps {
  data: DartsData;
}

/** The settings of DARTS's Architect from a one-shot config. */
export function architectOptions(config: OneShotCommon) {
  return {
    learningRate: config.archLearningRate,
    beta1: config.archBeta1,
    beta2: config.archBeta2,
    weightDecay: config.archWeightDecay,
    unrolled: config.unrolled,
    networkMomentum: config.momentum,
    networkWeightDecay: config.weightDecay,
  };
}

/**
 * DARTS (`train_search.py`): per batch, one architecture step on a valid batch (first order or
 * unrolled), then one weight step on a train batch under softmax(α) (SGD, gradient clipped, cosine
 * learning rate per epoch); the genotype is DARTS's arg-max parse. Works on the DARTS and the
 * NAS-Bench-201 spaces.
 */
export class DartsStrategy<C extends DartsFamilyConfig = DartsConfig> extends OneShotSearch<C> {
  protected readonly architect: Architect;

  /**
   * `label` names a method that keeps DARTS's α update and changes its relaxation (SDARTS);
   * `options` its own network and view (few-shot NAS's sub-supernets) and the steps after the search
   * that the method's own `step` runs (DARTS-PT's `extraSteps`).
   */
  constructor(ctx: StrategyContext<C>, deps: DartsDeps, label = 'DARTS', options: Pick<OneShotOptions, 'network' | 'view' | 'extraSteps'> = {}) {
    super(ctx, deps.data, { label, order: 'arch-first', ...options });
    this.architect = new Architect(this.net, architectOptions(ctx.config), this.trainer.sgd);
    ctx.reporter.log('info', `${label} supernet: ${this.net.params.count()} weights, ${ctx.config.unrolled ? 'second' : 'first'}-order, ${this.totalSteps} steps`);
  }

  protected relax(_step: OneShotStep): Relaxation {
    return { weights: () => softmaxWeights(this.net.arch) };
  }

  protected updateArchitecture(step: OneShotStep, _weightStep?: unknown): StepFigure[] {
    const { validLoss } = this.architect.step(step.train, step.valid(), step.lr);
    return [['search.valid.loss', validLoss]];
  }

  protected saveMethodState(out: StateWriter): void {
    this.architect.saveState(out.scope('adam'));
  }

  protected loadMethodState(from: StateReader): void {
    this.architect.loadState(from.scope('adam'));
  }

  protected disposeMethod(): void {
    this.architect.dispose();
  }
}

/** The registry's factory: DARTS on the run's dataset (the one-shot data every relaxation shares, memory planned). */
export async function createDartsStrategy(ctx: StrategyContext<DartsConfig>): Promise<DartsStrategy> {
  return new DartsStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}
