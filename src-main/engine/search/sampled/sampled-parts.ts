import type { GdasConfig } from '../../../../src-shared/model/algorithms/gdas';
import type { SnasConfig } from '../../../../src-shared/model/algorithms/snas';
import type { Rng, RngState } from '../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { archVariables } from '../../supernet/arch-params';
import { loadSupernet, saveSupernet } from '../../supernet/state';
import { AdamL2 } from '../../optim/optimizers';
import type { Supernet } from '../../supernet/types';
import { loadBatchSource, saveBatchSource, type DartsData } from '../darts';
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

/** What GDAS and SNAS both save: the network, both optimizers, the Gumbel draws, both batch streams. */
export function saveSampledParts(parts: SampledParts, data: DartsData, out: StateWriter): void {
  saveSupernet(parts.net, out.scope('net'));
  parts.trainer.saveState(out.scope('sgd'));
  parts.archOptimizer.saveState(out.scope('adam'), archVariables(parts.net));
  out.json('sampling', parts.sampling.getState());
  saveBatchSource(data.train, out.scope('train-batches'));
  saveBatchSource(data.valid, out.scope('valid-batches'));
}

export function loadSampledParts(parts: SampledParts, data: DartsData, from: StateReader): void {
  loadSupernet(parts.net, from.scope('net'));
  parts.trainer.loadState(from.scope('sgd'));
  parts.archOptimizer.loadState(from.scope('adam'), archVariables(parts.net));
  parts.sampling.setState(from.json<RngState>('sampling'));
  loadBatchSource(data.train, from.scope('train-batches'));
  loadBatchSource(data.valid, from.scope('valid-batches'));
}
