import type { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { Genotype } from '../../../src-shared/model/genotype';
import { deriveDartsGenotype, deriveNb201Genotype } from '../../../src-shared/model/genotype-derive';
import type { StrategyFactory } from './strategy';
import { loadDataset } from '../data/datasets';
import { BatchIterator, splitIndices } from '../data/batches';
import { DartsStrategy, type AlphaSnapshot, type DartsDeps } from './darts';
import { planDartsMemory } from '../supernet/memory-plan';

/** The discrete cell of the current α (DARTS's parse for the DARTS space, arg-max per edge for NB201). */
export function deriveFromAlphas(snapshot: AlphaSnapshot): Genotype {
  const cell = (kind: string) => {
    const c = snapshot.cells.find((x) => x.kind === kind);
    if (!c) throw new Error(`the α snapshot has no ${kind} cell`);
    return c;
  };
  if (snapshot.space.kind === 'nb201') {
    const c = cell('normal');
    return deriveNb201Genotype(c.alpha, c.edgeOps[0]);
  }
  const normal = cell('normal');
  const reduce = cell('reduce');
  return deriveDartsGenotype(normal.alpha, reduce.alpha, { normal: normal.edgeOps, reduce: reduce.edgeOps }, snapshot.space.nodes);
}

/**
 * DARTS on a real dataset: the training split cut by `trainPortion` into the weights' half and the
 * architecture's half (DARTS's `train_portion`), each an endless seeded batch stream. `derive`
 * defaults to deriveFromAlphas.
 */
export function dartsOnDataset(derive: DartsDeps['derive'] = deriveFromAlphas): StrategyFactory<DartsConfig> {
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
    ctx.reporter.log('info', `dataset ${data.name}: ${halves.train.length} images train the weights, ${halves.valid.length} the architecture`);
    const [height, width, inChannels] = data.shape;
    const memory =
      config.space.kind === 'darts'
        ? await planDartsMemory(config.space, { height, width, inChannels, numClasses: data.classes }, config.batchSize, rng.fork('memory-probe').uint32())
        : null;
    if (memory) ctx.reporter.log('info', memory.note);
    return new DartsStrategy(ctx, {
      supernetOptions: memory?.recompute ? { recompute: memory.recompute } : {},
      data: { train, valid, inChannels: data.shape[2], numClasses: data.classes, stepsPerEpoch: train.batchesPerEpoch },
      derive,
    });
  };
}
