import type { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { StrategyFactory } from './strategy';
import { loadDataset } from '../data/datasets';
import { BatchIterator, orderedBatches, splitIndices } from '../data/batches';
import { DartsStrategy } from './darts';

/**
 * DARTS on a real dataset: the training split cut by `trainPortion` into the weights' half and the
 * architecture's half (DARTS's `train_portion`), each an endless seeded batch stream; epochs are a
 * pass over the weights' half, or `batchesPerEpoch` batches when that is smaller. The epoch report
 * scores the architecture's half in order, without augmentation (DARTS's `infer` on `valid_queue`).
 */
export function dartsOnDataset(): StrategyFactory<DartsConfig> {
  return async (ctx) => {
    const { config, rng, resourcesDir } = ctx;
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
    ctx.reporter.log('info', `dataset ${data.name}: ${halves.train.length} images train the weights, ${halves.valid.length} the architecture; ${stepsPerEpoch} steps per epoch`);
    return new DartsStrategy(ctx, { data: {
      train,
      valid,
      inChannels: data.shape[2],
      numClasses: data.classes,
      stepsPerEpoch,
      validation: () => orderedBatches(data.train, data.shape, data.normalization, config.batchSize, halves.valid),
    } });
  };
}
