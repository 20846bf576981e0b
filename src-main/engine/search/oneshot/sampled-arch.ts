import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Rng, RngState } from '../../../../src-shared/model/rng';
import type { RunConfig } from '../../../../src-shared/model/run-config';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { AdamL2 } from '../../optim/optimizers';
import { archVariables } from '../../supernet/arch-params';
import type { StrategyContext } from '../strategy';
import type { DartsData } from './data';
import { OneShotSearch, type OneShotOptions } from './template';

/**
 * A one-shot method that draws its architecture from α with a generator of its own and updates α
 * with Adam (GDAS, SNAS, DrNAS): the optimizer, the generator and their checkpoint state live here
 * once. `stream` names the generator's fork of the run's Rng ('gumbel', 'dirichlet'), so its draws
 * never shift when other draws change.
 */
export abstract class SampledArchSearch<C extends RunConfig & OneShotCommon> extends OneShotSearch<C> {
  protected readonly archOptimizer: AdamL2;
  protected readonly sampling: Rng;

  constructor(ctx: StrategyContext<C>, data: DartsData, options: OneShotOptions, stream: string) {
    super(ctx, data, options);
    const { config } = ctx;
    this.archOptimizer = new AdamL2(config.archLearningRate, config.archBeta1, config.archBeta2, config.archWeightDecay);
    this.sampling = ctx.rng.fork(stream);
  }

  protected saveMethodState(out: StateWriter): void {
    this.archOptimizer.saveState(out.scope('adam'), archVariables(this.net));
    out.json('sampling', this.sampling.getState());
  }

  protected loadMethodState(from: StateReader): void {
    this.archOptimizer.loadState(from.scope('adam'), archVariables(this.net));
    this.sampling.setState(from.json<RngState>('sampling'));
  }

  protected disposeMethod(): void {
    this.archOptimizer.dispose();
  }
}
