import { z } from 'zod';
import { DatasetConfig } from '../dataset';
import { Genotype } from '../genotype';
import { QueueSetting } from '../queue';
import { checkpointEvery } from './checkpoint-every';

/**
 * Evaluation: a fixed cell (a genotype) trained from scratch in its space's evaluation network, the
 * number NAS papers report. A DARTS-space cell trains in DARTS's NetworkCIFAR (or NetworkImageNet),
 * a NAS-Bench-201 cell in NAS-Bench-201's own network. A preset gives the whole recipe and the
 * data; `training` and `dataset` override parts of it (resolveEvaluation gives the result).
 */
export const EVALUATION_PRESETS = ['paper', 'fmnist-cpu', 'fmnist-quick', 'tiny'] as const;
export type EvaluationPreset = (typeof EVALUATION_PRESETS)[number];

export const EvaluationTraining = z
  .object({
    channels: z.number().int().min(1).max(512).meta({ title: 'Channels', description: 'DARTS: initial channels C; NAS-Bench-201: channels of the first stage' }),
    layers: z.number().int().min(1).max(100).meta({ title: 'Cells', description: 'DARTS: number of cells; NAS-Bench-201: cells per stage (N)' }),
    network: z.enum(['cifar', 'imagenet'])
      .meta({ title: 'Network stem', description: 'DARTS cells only: NetworkCIFAR\'s stem or NetworkImageNet\'s (three stride-2 convolutions, for 224×224 inputs)' }),
    epochs: z.number().int().min(1).max(10_000).meta({ title: 'Epochs' }),
    batchSize: z.number().int().min(1).max(4096).meta({ title: 'Batch size' }),
    learningRate: z.number().positive().max(10).meta({ title: 'Learning rate', description: 'cosine-annealed per epoch down to the final learning rate' }),
    learningRateMin: z.number().min(0).max(10).meta({ title: 'Final learning rate' }),
    momentum: z.number().min(0).max(1).meta({ title: 'Momentum' }),
    nesterov: z.boolean().meta({ title: 'Nesterov momentum' }),
    weightDecay: z.number().min(0).max(1).meta({ title: 'Weight decay' }),
    gradClip: z.number().min(0).meta({ title: 'Gradient clip', description: 'joint L2 norm the gradient is clipped to; 0: none' }),
    auxiliaryWeight: z.number().min(0).max(10)
      .meta({ title: 'Auxiliary head weight', description: 'weight of the auxiliary head\'s loss (DARTS: 0.4); 0: no auxiliary head. DARTS cells only' }),
    dropPathProb: z.number().min(0).max(0.9)
      .meta({ title: 'Drop-path probability', description: 'reached at the last epoch, growing linearly from 0. DARTS cells only' }),
    recompute: z.boolean().meta({
      title: 'Recompute cells',
      description: 'gradient checkpointing: keep only each cell\'s inputs in the forward pass and recompute the cell in the backward pass; same results, much less memory, about one more forward pass per step. DARTS cells only',
    }),
    dataParallel: z
      .number()
      .refine((n) => n === 1 || n === 2, {
        error: 'dataParallel must be 1 (one engine) or 2 (a second engine in a worker thread trains half of each batch)',
      })
      .meta({
        title: 'Data-parallel engines',
        description: '2: a second engine in a worker thread computes the gradient of half of each batch (both cores at work; batch norm then uses each half\'s statistics, as PyTorch\'s DataParallel); 1: one engine',
      }),
  })
  .strict();
export type EvaluationTraining = z.infer<typeof EvaluationTraining>;

export const EvaluationConfig = z
  .object({
    algorithm: z.literal('evaluation'),
    name: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0).meta({ title: 'Seed', description: 'the only source of the run\'s randomness: the same seed repeats the run' }),
    genotype: Genotype,
    /** The search run whose cell this trains, when there is one. */
    searchRunId: z.number().int().min(1).optional(),
    preset: z.enum(EVALUATION_PRESETS).default('tiny').meta({ title: 'Recipe', description: 'the training recipe and data; the fields below override parts of it' }),
    /** The preset's data when absent. */
    dataset: DatasetConfig.optional(),
    /** Overrides of the preset's recipe. */
    training: EvaluationTraining.partial().default({}),
    testBatchSize: z.number().int().min(1).max(4096).default(250)
      .meta({ title: 'Test batch size', description: 'test images per scoring batch (scoring only, no effect on the result)' }),
    checkpointEvery,
    /** Train on a worker of this Redis queue (docs/queue.md, "Evaluation-run seeds"); absent: in this run's engine. */
    queue: QueueSetting.optional(),
  })
  .strict();
export type EvaluationConfig = z.infer<typeof EvaluationConfig>;

/** Debian's dataset-fashion-mnist package puts the full Fashion-MNIST here (docs/datasets.md). */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

type Space = Genotype['space'];
type PresetRecipe = { training: EvaluationTraining; dataset: DatasetConfig };

const CIFAR10_AUGMENT = { cropPadding: 4, horizontalFlip: true, cutout: 16 };
const FMNIST = (augment: DatasetConfig['augment']): DatasetConfig => ({ name: 'fashion-mnist', dir: DEBIAN_FASHION_MNIST, augment });
const NO_REGULARIZERS = { auxiliaryWeight: 0, dropPathProb: 0, gradClip: 0, recompute: false };

/**
 * The presets per cell space. 'paper': DARTS's train.py with the paper's flags (--auxiliary
 * --cutout: C=36, 20 cells, batch 96, 600 epochs, SGD lr 0.025 cosine to 0, momentum 0.9, weight
 * decay 3e-4, clip 5, auxiliary 0.4, drop-path 0.2, crop 4 + flip + cutout 16 on CIFAR-10; cells
 * recomputed in the backward pass, ~6× less memory: batch 96 fits wasm's 4 GiB heap, 2.5 GiB
 * measured without the auxiliary head, docs/performance.md) and
 * NAS-Bench-201's recipe (C=16, N=5, 200 epochs, batch 256, Nesterov SGD lr 0.1 cosine to 0,
 * momentum 0.9, weight decay 5e-4, crop 4 + flip) on CIFAR-10 from `data/cifar-10-batches-bin`
 * (set `dataset.dir` to yours). 'fmnist-cpu' and 'fmnist-quick': the full Fashion-MNIST from
 * Debian's package, sized for a CPU (docs/evaluation.md has the times). 'tiny': the embedded
 * sample, 512 images, seconds; for tests and a first look.
 */
export function presetRecipe(preset: EvaluationPreset, space: Space): PresetRecipe {
  const darts = space === 'darts';
  const base = { network: 'cifar' as const, learningRateMin: 0, momentum: 0.9, dataParallel: 1 as const };
  switch (preset) {
    case 'paper':
      return darts
        ? {
            training: { ...base, channels: 36, layers: 20, epochs: 600, batchSize: 96, learningRate: 0.025, nesterov: false, weightDecay: 3e-4, gradClip: 5, auxiliaryWeight: 0.4, dropPathProb: 0.2, recompute: true },
            dataset: { name: 'cifar10', dir: 'data/cifar-10-batches-bin', augment: CIFAR10_AUGMENT },
          }
        : {
            training: { ...base, ...NO_REGULARIZERS, channels: 16, layers: 5, epochs: 200, batchSize: 256, learningRate: 0.1, nesterov: true, weightDecay: 5e-4 },
            dataset: { name: 'cifar10', dir: 'data/cifar-10-batches-bin', augment: { ...CIFAR10_AUGMENT, cutout: 0 } },
          };
    case 'fmnist-cpu':
      return {
        training: darts
          ? { ...base, channels: 16, layers: 8, epochs: 5, batchSize: 96, learningRate: 0.05, nesterov: false, weightDecay: 3e-4, gradClip: 5, auxiliaryWeight: 0, dropPathProb: 0, recompute: false }
          : { ...base, ...NO_REGULARIZERS, channels: 8, layers: 2, epochs: 5, batchSize: 128, learningRate: 0.1, nesterov: true, weightDecay: 5e-4 },
        dataset: FMNIST({ cropPadding: 2, horizontalFlip: true, cutout: 0 }),
      };
    case 'fmnist-quick':
      return {
        training: darts
          ? { ...base, channels: 8, layers: 5, epochs: 1, batchSize: 64, learningRate: 0.05, nesterov: false, weightDecay: 3e-4, gradClip: 5, auxiliaryWeight: 0, dropPathProb: 0, recompute: false }
          : { ...base, ...NO_REGULARIZERS, channels: 8, layers: 1, epochs: 1, batchSize: 64, learningRate: 0.1, nesterov: true, weightDecay: 5e-4 },
        dataset: FMNIST({ cropPadding: 0, horizontalFlip: false, cutout: 0 }),
      };
    case 'tiny':
      return {
        training: darts
          ? { ...base, channels: 4, layers: 3, epochs: 3, batchSize: 32, learningRate: 0.05, nesterov: false, weightDecay: 3e-4, gradClip: 5, auxiliaryWeight: 0.4, dropPathProb: 0.2, recompute: false }
          : { ...base, ...NO_REGULARIZERS, channels: 4, layers: 1, epochs: 3, batchSize: 32, learningRate: 0.1, nesterov: true, weightDecay: 5e-4 },
        dataset: { name: 'embedded', trainLimit: 512, testLimit: 200, augment: { cropPadding: 0, horizontalFlip: false, cutout: 0 } },
      };
  }
}

/** The recipe and data an evaluation run uses: the preset's for its cell space, overridden by the config. */
export function resolveEvaluation(config: EvaluationConfig): PresetRecipe {
  const preset = presetRecipe(config.preset, config.genotype.space);
  const training = EvaluationTraining.parse({ ...preset.training, ...config.training });
  if (training.learningRateMin > training.learningRate) {
    throw new Error(`learningRateMin (${training.learningRateMin}) is above learningRate (${training.learningRate})`);
  }
  if (training.dataParallel === 2 && training.batchSize % 2 !== 0) {
    throw new Error(`dataParallel 2 splits each batch in two halves: batchSize must be even, got ${training.batchSize}`);
  }
  if (config.genotype.space === 'nb201' && (training.auxiliaryWeight > 0 || training.dropPathProb > 0 || training.network !== 'cifar' || training.recompute)) {
    throw new Error('NAS-Bench-201 cells train in NAS-Bench-201\'s network: it has no auxiliary head, no drop-path, no ImageNet stem and no recompute; set auxiliaryWeight and dropPathProb to 0 and recompute to false');
  }
  return { training, dataset: config.dataset ?? preset.dataset };
}
