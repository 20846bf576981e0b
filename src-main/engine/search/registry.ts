import type { Algorithm, RunConfig } from '../../../src-shared/model/run-config';
import type { StrategyFactory } from './strategy';
import { createTrainStrategy } from './train';
import { dartsOnDataset } from './darts-data';
import { blackBoxFactory } from './blackbox/factory';
import { createGdasStrategy } from './gdas';
import { createSnasStrategy } from './snas';
import { createPvllStrategy } from './pvll';
import { createEvaluationStrategy } from './evaluation';

/**
 * Every algorithm a run config can name, mapped to the factory of its strategy. The `satisfies`
 * makes adding an algorithm to the RunConfig union without a strategy here a type error.
 */
export const strategies = {
  train: createTrainStrategy,
  darts: dartsOnDataset(),
  random: blackBoxFactory,
  rea: blackBoxFactory,
  ls: blackBoxFactory,
  bananas: blackBoxFactory,
  gdas: createGdasStrategy,
  snas: createSnasStrategy,
  pvll: createPvllStrategy,
  evaluation: createEvaluationStrategy,
} satisfies { [A in Algorithm]: StrategyFactory<Extract<RunConfig, { algorithm: A }>> };

export function strategyFor<C extends RunConfig>(config: C): StrategyFactory<C> {
  return strategies[config.algorithm as Algorithm] as unknown as StrategyFactory<C>;
}
