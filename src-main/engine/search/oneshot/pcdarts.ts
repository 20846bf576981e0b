import type { PcdartsConfig } from '../../../../src-shared/model/algorithms/pcdarts';
import type { StrategyContext } from '../strategy';
import { DartsStrategy, type DartsDeps } from './darts';
import { loadOneShotData, withPartialChannels } from './data';
import type { OneShotStep, StepFigure } from './template';

/**
 * PC-DARTS (Xu et al., ICLR 2020): DARTS's α update (the authors' first order by default) on the
 * partial-channel supernet with edge normalization (supernet/partial-channels.ts,
 * supernet/edge-normalization.ts; α and β share the Adam), and no α step during the first
 * `archWarmupEpochs` epochs (`if epoch >= 15: architect.step(...)` in `train_search.py`). The
 * genotype weighs each edge by its β (`_parse(W, W2)`), done by the snapshot's `edgeScale`.
 */
export class PcdartsStrategy extends DartsStrategy<PcdartsConfig> {
  constructor(ctx: StrategyContext<PcdartsConfig>, deps: DartsDeps) {
    super(ctx, { ...deps, data: withPartialChannels(deps.data, ctx.config.partialChannels) }, 'PC-DARTS');
  }

  protected override updateArchitecture(step: OneShotStep, weightStep?: unknown): StepFigure[] {
    if (step.epoch < this.ctx.config.archWarmupEpochs) return [];
    return super.updateArchitecture(step, weightStep);
  }
}

export async function createPcdartsStrategy(ctx: StrategyContext<PcdartsConfig>): Promise<PcdartsStrategy> {
  return new PcdartsStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}
