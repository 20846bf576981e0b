import type { GdasConfig } from '../../../../src-shared/model/algorithms/gdas';
import type { SnasConfig } from '../../../../src-shared/model/algorithms/snas';
import type { Rng } from '../../../../src-shared/model/rng';
import { AdamL2 } from '../../optim/optimizers';
import type { Supernet } from '../../supernet/types';
import type { DartsData } from '../darts';
import { buildSupernet } from '../one-shot-data';
import type { StrategyContext } from '../strategy';
import { WeightTrainer } from './weight-trainer';

/** What GDAS and SNAS both build before their first step: the same pieces, the same seeds. */
export interface SampledParts {
  net: Supernet;
  trainer: WeightTrainer;
  archOptimizer: AdamL2;
  /** The Gumbel draws' own generator, so other draws never shift them. */
  sampling: Rng;
  totalSteps: number;
}

export function buildSampledParts(ctx: StrategyContext<GdasConfig> | StrategyContext<SnasConfig>, data: DartsData, method: string): SampledParts {
  const { config } = ctx;
  if (!Number.isInteger(data.stepsPerEpoch) || data.stepsPerEpoch < 1) {
    throw new Error(`${method} needs at least one batch per epoch, got ${data.stepsPerEpoch}`);
  }
  const net = buildSupernet(config.space, data, ctx.rng.fork('supernet'));
  return {
    net,
    trainer: new WeightTrainer(net, config),
    archOptimizer: new AdamL2(config.archLearningRate, config.archBeta1, config.archBeta2, config.archWeightDecay),
    sampling: ctx.rng.fork('gumbel'),
    totalSteps: config.epochs * data.stepsPerEpoch,
  };
}
