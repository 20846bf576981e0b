import type { Algorithm, RunConfig } from '../../../src-shared/model/run-config';
import type { StrategyFactory } from './strategy';
import { createTrainStrategy } from './train';
import { createDartsStrategy } from './oneshot/darts';
import { blackBoxFactory } from './blackbox/factory';
import { createGdasStrategy } from './sampled/gdas';
import { createSnasStrategy } from './sampled/snas';
import { createPvllStrategy } from './sampled/pvll';
import { createSdartsAdvStrategy, createSdartsRsStrategy } from './oneshot/sdarts';
import { createDrnasStrategy } from './oneshot/drnas';
import { createPcdartsStrategy } from './oneshot/pcdarts';
import { createEvaluationStrategy } from './evaluation';
import { noshFactory } from './blackbox/nosh-factory';
import { createDartsPtStrategy } from './oneshot/darts-pt';
import { createNaspStrategy } from './oneshot/nasp';
import { createProxylessStrategy } from './oneshot/proxyless';
import { createFewshotStrategy } from './oneshot/fewshot';

/**
 * Every algorithm a run config can name, mapped to the factory of its strategy. The `satisfies`
 * makes adding an algorithm to the RunConfig union without a strategy here a type error.
 */
export const strategies = {
  train: createTrainStrategy,
  darts: createDartsStrategy,
  random: blackBoxFactory,
  rea: blackBoxFactory,
  ls: blackBoxFactory,
  bananas: blackBoxFactory,
  gdas: createGdasStrategy,
  snas: createSnasStrategy,
  pvll: createPvllStrategy,
  'sdarts-rs': createSdartsRsStrategy,
  'sdarts-adv': createSdartsAdvStrategy,
  drnas: createDrnasStrategy,
  pcdarts: createPcdartsStrategy,
  evaluation: createEvaluationStrategy,
  nosh: noshFactory,
  'rank-nosh': noshFactory,
  'darts-pt': createDartsPtStrategy,
  nasp: createNaspStrategy,
  proxyless: createProxylessStrategy,
  fewshot: createFewshotStrategy,
} satisfies { [A in Algorithm]: StrategyFactory<Extract<RunConfig, { algorithm: A }>> };

export function strategyFor<C extends RunConfig>(config: C): StrategyFactory<C> {
  return strategies[config.algorithm as Algorithm] as unknown as StrategyFactory<C>;
}
