import type { Rng } from '../../../../src-shared/model/rng';
import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import { BatchIterator, splitIndices } from '../../data/batches';
import { loadDataset } from '../../data/datasets';
import { DartsSupernet } from '../../supernet/darts-network';
import { Nb201Supernet } from '../../supernet/nb201-network';
import type { Supernet } from '../../supernet/types';
import type { DartsData } from '../darts';

/**
 * The training split cut by `trainPortion` into the weights' side and the architecture's side
 * (DARTS's `train_portion`), each an endless seeded batch stream; an epoch is a full pass over the
 * weights' side unless `batchesPerEpoch` caps it (a CPU-sized epoch).
 */
export async function loadOneShotData(config: OneShotCommon, resourcesDir: string, rng: Rng): Promise<DartsData> {
  const data = await loadDataset(config.dataset, resourcesDir, rng.fork('dataset'));
  const halves = splitIndices(data.train.count, config.trainPortion, rng.fork('split'));
  const stream = (indices: number[], label: string) =>
    new BatchIterator(data.train, data.shape, data.normalization, {
      batchSize: config.batchSize,
      rng: rng.fork(label),
      indices,
      augment: config.dataset.augment,
    });
  const train = stream(halves.train, 'train-batches');
  const valid = stream(halves.valid, 'valid-batches');
  const stepsPerEpoch = Math.min(train.batchesPerEpoch, config.batchesPerEpoch ?? Infinity);
  return { train, valid, inChannels: data.shape[2], numClasses: data.classes, stepsPerEpoch };
}

export function buildSupernet(space: OneShotCommon['space'], data: Pick<DartsData, 'inChannels' | 'numClasses'>, rng: Rng): Supernet {
  const shape = { inChannels: data.inChannels, numClasses: data.numClasses };
  return space.kind === 'darts' ? new DartsSupernet(space, shape, rng) : new Nb201Supernet(space, shape, rng);
}
