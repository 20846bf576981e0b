import * as tf from '@tensorflow/tfjs';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Rng } from '../../../../src-shared/model/rng';
import type { Supernet } from '../../supernet/types';
import type { DartsData } from '../darts';
import { reportEpoch } from '../epoch-report';
import type { Reporter } from '../strategy';

/** reportEpoch with the shared config's validation batches and Hessian schedule. */
export async function endOfEpoch(
  ctx: { config: OneShotCommon; reporter: Reporter },
  net: Supernet,
  data: DartsData,
  rng: Rng,
  at: { step: number; epoch: number; final: boolean },
): Promise<void> {
  const { config } = ctx;
  const validBatches = Array.from({ length: config.validBatches }, () => data.valid.next());
  const due = config.hessianEvery > 0 && (at.epoch % config.hessianEvery === 0 || at.final);
  const hessianBatch = due ? data.valid.next() : null;
  try {
    await reportEpoch({
      reporter: ctx.reporter,
      net,
      ...at,
      validBatches,
      hessian: hessianBatch ? { batch: hessianBatch, iters: config.hessianIters, rng, archWeightDecay: config.archWeightDecay } : undefined,
    });
  } finally {
    if (hessianBatch) tf.dispose([hessianBatch.x, hessianBatch.y]);
  }
}
