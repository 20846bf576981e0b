import type { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { StrategyFactory } from './strategy';
import { DartsStrategy } from './darts';
import { loadOneShotData } from './one-shot-data';

/** DARTS on a real dataset (the one-shot data every relaxation shares, memory planned). */
export function dartsOnDataset(): StrategyFactory<DartsConfig> {
  return async (ctx) => new DartsStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}
