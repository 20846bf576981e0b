import * as tf from '@tensorflow/tfjs';
import type { Nb201TrainingEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Nb201Op } from '../../../../../src-shared/model/space';
import type { Nb201Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { BatchIterator, splitIndices } from '../../../data/batches';
import { loadDataset, type LoadedDataset } from '../../../data/datasets';
import { Nb201Supernet } from '../../../supernet/nb201-network';
import type { CellWeights } from '../../../supernet/types';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { CellNetworkRecipe } from './resumable';

/** The fields both training evaluators share (see nb201TrainingFields in the schema). */
export type Nb201TrainingSetup = Pick<
  Nb201TrainingEvaluatorConfig,
  'dataset' | 'channels' | 'cellsPerStage' | 'trainPortion' | 'batchesPerEpoch' | 'batchSize' | 'momentum' | 'weightDecay' | 'gradClip'
>;

/** What loading and batching the user's images read (the NB201 and the DARTS evaluators alike). */
export type ImageDataSetup = Pick<Nb201TrainingEvaluatorConfig, 'dataset' | 'trainPortion' | 'batchesPerEpoch' | 'batchSize'>;

/** The user's images cut into a training part and a held-out validation part the metric is measured on. */
export interface TrainingData {
  data: LoadedDataset;
  train: number[];
  valid: number[];
  /** Training steps in one epoch: whole batches of the training part, capped by `batchesPerEpoch`. */
  stepsPerEpoch: number;
}

export async function loadTrainingData(config: ImageDataSetup, resourcesDir: string, rng: Rng): Promise<TrainingData> {
  const data = await loadDataset(config.dataset, resourcesDir, rng.fork('dataset'));
  const { train, valid } = splitIndices(data.train.count, config.trainPortion, rng.fork('split'));
  const whole = Math.floor(train.length / config.batchSize);
  if (whole === 0) {
    throw new Error(`the training part has ${train.length} images, fewer than one batch of ${config.batchSize}: lower batchSize or raise trainPortion`);
  }
  return { data, train, valid, stepsPerEpoch: Math.min(whole, config.batchesPerEpoch ?? Infinity) };
}

/**
 * An endless seeded stream of training batches. Whole batches only: the network normalizes with
 * batch statistics, and a last batch of a few images would give a noisy step.
 */
export function trainingBatches(data: TrainingData, config: ImageDataSetup, rng: Rng): BatchIterator {
  const { train, shape, normalization } = data.data;
  return new BatchIterator(train, shape, normalization, {
    batchSize: config.batchSize,
    rng,
    indices: data.train,
    augment: config.dataset.augment,
    dropLast: true,
  });
}

/** NAS-Bench-201's network over `ops`, sized for the data; a cell is chosen by `cellWeights`. */
export function buildNetwork(ops: readonly Nb201Op[], config: Nb201TrainingSetup, data: TrainingData, rng: Rng): Nb201Supernet {
  const [, , inChannels] = data.data.shape;
  const space = { kind: 'nb201', ops: [...ops], channels: config.channels, cellsPerStage: config.cellsPerStage };
  return new Nb201Supernet(space, { inChannels, numClasses: data.data.classes }, rng);
}

/** One-hot edge weights with `activeOp`: the network computes exactly one op per edge (a fixed cell). The caller disposes the tensor. */
export function cellWeights(activeOp: readonly number[], ops: number): CellWeights {
  const rows = activeOp.map((k) => Array.from({ length: ops }, (_, j) => (j === k ? 1 : 0)));
  return { normal: { weights: tf.tensor2d(rows, [activeOp.length, ops], 'float32'), activeOp } };
}


/** NB201 cells as networks: only the cell's own ops get weights (a network of all five would carry unused parameters). */
export function nb201CellRecipe(cells: Nb201Cells, config: Nb201TrainingSetup, data: TrainingData): CellNetworkRecipe<number, Nb201Genotype> {
  return {
    space: 'nb201',
    fromGenotype: (genotype) => cells.fromArchString(genotype.arch),
    key: (arch) => cells.key(arch),
    build(arch, rng) {
      const edgeOps = cells.edgeOps(arch).map((d) => cells.ops[d]);
      const ops = cells.ops.filter((op) => edgeOps.includes(op));
      return { net: buildNetwork(ops, config, data, rng), weights: cellWeights(edgeOps.map((op) => ops.indexOf(op)), ops.length) };
    },
  };
}
