import * as tf from '@tensorflow/tfjs';
import type { Rng, RngState } from '../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { augmentImage, normalizationTable, normalizeImage, type AugmentConfig } from './augment';
import type { ImageShape, Normalization, Split } from './types';

/** One batch; the caller disposes `x` and `y`. */
export interface Batch {
  /** float32 [n, h, w, c], normalized. */
  x: tf.Tensor4D;
  /** int32 [n] class labels. */
  y: tf.Tensor1D;
  /** Index of the epoch this batch belongs to (0-based). */
  epoch: number;
}

/** Turns one image's bytes into its float input; `scratch` has the image's size. */
type ImageTransform = (src: Uint8Array, dst: Float32Array, scratch: Uint8Array) => void;

/**
 * Splits 0..count-1 into a training part of ⌊portion·count⌋ indices and a validation part with
 * the rest, after a seeded shuffle, each returned in ascending order. DARTS searches with
 * train_portion 0.5 of the training set for the weights and the other half for the architecture.
 */
export function splitIndices(count: number, portion: number, rng: Rng): { train: number[]; valid: number[] } {
  if (!(portion > 0 && portion < 1)) throw new Error(`the train portion must be strictly between 0 and 1, got ${portion}`);
  const cut = Math.floor(portion * count);
  if (cut === 0 || cut === count) throw new Error(`a train portion of ${portion} leaves one side of ${count} images empty`);
  const order = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  const byIndex = (a: number, b: number) => a - b;
  return { train: order.slice(0, cut).sort(byIndex), valid: order.slice(cut).sort(byIndex) };
}

export interface BatchIteratorOptions {
  batchSize: number;
  /** Order and augmentation draws; give each iterator its own (e.g. `rng.fork('train-batches')`). */
  rng: Rng;
  /** Images of the split to draw from (e.g. one side of splitIndices); absent: all. */
  indices?: readonly number[];
  augment?: AugmentConfig;
  /** Drop an epoch's last, smaller batch (PyTorch's drop_last); default false as in DARTS. */
  dropLast?: boolean;
}

function checkIndices(indices: readonly number[], count: number): void {
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= count);
  if (bad !== undefined) throw new Error(`batch index ${bad} is outside the split's 0..${count - 1}`);
}

/** The normalization lookup, after checking it has one mean and one std per channel. */
function tableFor(normalization: Normalization, channels: number): Float32Array[] {
  if (normalization.mean.length !== channels || normalization.std.length !== channels) {
    throw new Error(`normalization has ${normalization.mean.length} means and ${normalization.std.length} stds for ${channels} channels`);
  }
  return normalizationTable(normalization);
}

/** Builds a batch from the given images of the split, each through `transform`. */
function makeBatch(split: Split, shape: ImageShape, picked: readonly number[], transform: ImageTransform, epoch: number): Batch {
  const size = shape[0] * shape[1] * shape[2];
  const x = new Float32Array(picked.length * size);
  const y = new Int32Array(picked.length);
  const scratch = new Uint8Array(size);
  picked.forEach((index, n) => {
    const src = split.images.subarray(index * size, (index + 1) * size);
    transform(src, x.subarray(n * size, (n + 1) * size), scratch);
    y[n] = split.labels[index];
  });
  return { x: tf.tensor4d(x, [picked.length, ...shape], 'float32'), y: tf.tensor1d(y, 'int32'), epoch };
}

/**
 * An endless, seeded stream of training batches: each epoch is a fresh permutation of the
 * indices drawn from the rng, cut into consecutive batches. Same rng seed, same batches.
 */
export class BatchIterator {
  private readonly indices: number[];
  private readonly transform: ImageTransform;
  private order: number[] = [];
  private position = 0;
  private currentEpoch = -1;
  readonly batchesPerEpoch: number;

  constructor(
    private readonly split: Split,
    private readonly shape: ImageShape,
    normalization: Normalization,
    private readonly options: BatchIteratorOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new Error(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.indices = options.indices ? [...options.indices] : Array.from({ length: split.count }, (_, i) => i);
    checkIndices(this.indices, split.count);
    const whole = Math.floor(this.indices.length / options.batchSize);
    this.batchesPerEpoch = options.dropLast ? whole : Math.ceil(this.indices.length / options.batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new Error(`${this.indices.length} images cannot fill one batch of ${options.batchSize} with dropLast`);
    }
    const table = tableFor(normalization, shape[2]);
    const augment = options.augment;
    this.transform = augment
      ? (src, dst, scratch) => augmentImage(src, dst, scratch, shape, table, augment, options.rng)
      : (src, dst) => normalizeImage(src, dst, table);
  }

  /** The epoch of the batch last returned (-1 before the first). */
  get epoch(): number {
    return this.currentEpoch;
  }

  /** The epoch's order, the position in it and the random state: the next batch follows from these. */
  saveState(out: StateWriter): void {
    out.json('order', this.order);
    out.json('position', this.position);
    out.json('epoch', this.currentEpoch);
    out.json('rng', this.options.rng.getState());
  }

  loadState(from: StateReader): void {
    const order = from.json<number[]>('order');
    const position = from.json<number>('position');
    if (!Array.isArray(order) || !Number.isInteger(position) || position < 0 || position > order.length) {
      throw new Error(`checkpoint ${from.source}: the batch stream's position ${position} does not fit its order of ${order?.length} images`);
    }
    checkIndices(order, this.split.count);
    this.order = order;
    this.position = position;
    this.currentEpoch = from.json<number>('epoch');
    this.options.rng.setState(from.json<RngState>('rng'));
  }

  next(): Batch {
    const { batchSize, rng, dropLast } = this.options;
    const left = this.order.length - this.position;
    if (left === 0 || (dropLast && left < batchSize)) {
      this.order = rng.shuffle([...this.indices]);
      this.position = 0;
      this.currentEpoch += 1;
    }
    const picked = this.order.slice(this.position, this.position + batchSize);
    this.position += picked.length;
    return makeBatch(this.split, this.shape, picked, this.transform, this.currentEpoch);
  }
}

/** One pass in order, without augmentation, for evaluation; the last batch may be smaller. */
export function* orderedBatches(
  split: Split,
  shape: ImageShape,
  normalization: Normalization,
  batchSize: number,
  indices?: readonly number[],
): Generator<Batch> {
  const all = indices ? [...indices] : Array.from({ length: split.count }, (_, i) => i);
  checkIndices(all, split.count);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const table = tableFor(normalization, shape[2]);
  const normalize: ImageTransform = (src, dst) => normalizeImage(src, dst, table);
  for (let at = 0; at < all.length; at += batchSize) yield makeBatch(split, shape, all.slice(at, at + batchSize), normalize, 0);
}
