import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Rng } from '../../../../src-shared/model/rng';
import type { Supernet } from '../../supernet/types';
import type { DartsData } from '../darts';
import { EpochReport, softmaxView } from '../epoch-report';
import type { Reporter } from '../strategy';

/**
 * The shared epoch report (search/epoch-report.ts) under softmax(α), with the shared config's
 * validation cap and Hessian schedule. These strategies report their own per-step train metrics.
 */
export async function endOfEpoch(
  ctx: { config: OneShotCommon; reporter: Reporter },
  net: Supernet,
  data: DartsData,
  rng: Rng,
  at: { step: number; epoch: number; final: boolean },
): Promise<void> {
  const { config } = ctx;
  const report = new EpochReport({
    reporter: ctx.reporter,
    view: softmaxView(net),
    reportEvery: config.reportEvery,
    validation: data.validation,
    validBatches: config.validBatches,
    hessianEvery: config.hessianEvery,
    hessianIters: config.hessianIters,
    archWeightDecay: config.archWeightDecay,
    rng,
  });
  try {
    await report.endEpoch(at);
  } finally {
    report.dispose();
  }
}
