import type { OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Rng } from '../../../../src-shared/model/rng';
import { BatchIterator, orderedBatches, splitIndices } from '../../data/batches';
import { loadDataset } from '../../data/datasets';
import { DartsSupernet } from '../../supernet/darts-network';
import { planDartsMemory } from '../../supernet/memory-plan';
import { Nb201Supernet } from '../../supernet/nb201-network';
import type { Supernet } from '../../supernet/types';
import type { Batch as DataBatch } from '../../data/batches';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import type { SupernetOptions } from '../../supernet/darts-network';
import type { Reporter } from '../strategy';
import type { Batch } from './architect';

/** An endless stream of batches. The strategy owns each batch it takes and disposes it after use. */
export interface BatchSource {
  next(): Batch;
  /**
   * The stream's position (order, place in it, random state), so a resumed run draws the same
   * batches. Every dataset stream has it; a synthetic test source may not (it cannot be checkpointed).
   */
  saveState?(out: StateWriter): void;
  loadState?(from: StateReader): void;
}

/** The state of a batch source, or an error saying the source cannot be checkpointed. */
export function saveBatchSource(source: BatchSource, out: StateWriter): void {
  if (!source.saveState) throw new Error('this batch source has no position to save: a run on it cannot be checkpointed');
  source.saveState(out);
}

export function loadBatchSource(source: BatchSource, from: StateReader): void {
  if (!source.loadState) throw new Error('this batch source has no position to restore: a run on it cannot be resumed');
  source.loadState(from);
}

/** The data of a one-shot search (named after DARTS, whose `train_search.py` set the shape). */
export interface DartsData {
  /** Batches from the weights' half of the training set. */
  train: BatchSource;
  /** Batches from the architecture's half (DARTS's `valid_queue`). */
  valid: BatchSource;
  inChannels: number;
  numClasses: number;
  /** Batches per epoch (DARTS: len(train_queue)). */
  stepsPerEpoch: number;
  /** A fresh in-order pass over the architecture's half, for `valid.loss|acc` and the Hessian batch. */
  validation: () => Iterable<DataBatch>;
  /** Recomputation per cell or edge, as the memory plan chose (supernet/memory-plan.ts). */
  supernetOptions?: SupernetOptions;
}

/**
 * The data of every one-shot search: the training split cut by `trainPortion` into the weights'
 * side and the architecture's side (DARTS's `train_portion`), each an endless seeded batch stream;
 * an epoch is a full pass over the weights' side unless `batchesPerEpoch` caps it (a CPU-sized
 * epoch); the architecture's side in order for the epoch report (DARTS's `infer` on `valid_queue`).
 * For the DARTS space it also plans the step's memory (plain, recomputed per cell or per edge) and
 * refuses, before anything trains, a run that would not fit.
 */
export async function loadOneShotData(config: OneShotCommon & { partialChannels?: number }, resourcesDir: string, rng: Rng, reporter: Reporter): Promise<DartsData> {
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
  reporter.log('info', `dataset ${data.name}: ${halves.train.length} images train the weights, ${halves.valid.length} the architecture; ${stepsPerEpoch} steps per epoch`);
  const [height, width, inChannels] = data.shape;
  let supernetOptions: SupernetOptions = {};
  if (config.space.kind === 'darts') {
    // PC-DARTS's network (partial channels with edge normalization) is planned as it will run.
    const network = partialChannelNetwork(config.partialChannels ?? 1);
    const memory = await planDartsMemory(config.space, { height, width, inChannels, numClasses: data.classes }, config.batchSize, rng.fork('memory-probe').uint32(), undefined, network);
    reporter.log('info', memory.note);
    supernetOptions = memory.recompute ? { ...network, recompute: memory.recompute } : network;
  }
  return {
    train,
    valid,
    inChannels,
    numClasses: data.classes,
    stepsPerEpoch,
    validation: () => orderedBatches(data.train, data.shape, data.normalization, config.batchSize, halves.valid),
    supernetOptions,
  };
}

/** PC-DARTS's network options for K: partial channels with edge normalization, none for K = 1. */
export function partialChannelNetwork(k: number): SupernetOptions {
  return k > 1 ? { partialChannels: k, edgeNormalization: true } : {};
}

/** The data with PC-DARTS's network for K added to its supernet options (the memory plan's recomputation kept). */
export function withPartialChannels<D extends Pick<DartsData, 'supernetOptions'>>(data: D, k: number): D {
  return k > 1 ? { ...data, supernetOptions: { ...data.supernetOptions, ...partialChannelNetwork(k) } } : data;
}

/** The supernet of a one-shot run's space, with the memory plan's options. */
export function buildSupernet(space: OneShotCommon['space'], data: Pick<DartsData, 'inChannels' | 'numClasses' | 'supernetOptions'>, rng: Rng): Supernet {
  const shape = { inChannels: data.inChannels, numClasses: data.numClasses };
  if (space.kind === 'darts') return new DartsSupernet(space, shape, rng, data.supernetOptions);
  const { partialChannels, edgeNormalization } = data.supernetOptions ?? {};
  return new Nb201Supernet(space, shape, rng, { partialChannels, edgeNormalization });
}
