import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DatasetConfig } from '../dataset';
import { DartsSpace } from '../space';

/**
 * Black-box NAS: random search, regularized evolution, local search and BANANAS. One step is one
 * query; `budget` counts distinct cells (a re-query of a seen cell is free). Defaults are NASLib's
 * (naslib/benchmarks/create_configs.py, config_type "nas"), see docs/blackbox.md.
 */
export const Nb201TabularEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-tabular'),
    dataset: z.enum(['cifar10', 'cifar100', 'imagenet16-120']).default('cifar10'),
  })
  .strict();

/** The network and data both training evaluators share (NB201's network on the user's images). */
const nb201TrainingFields = {
  dataset: DatasetConfig.prefault({}),
  /** NB201's C: stage channels are C, 2C, 4C. */
  channels: z.number().int().min(1).max(256).default(16),
  /** NB201's N: cells per stage. */
  cellsPerStage: z.number().int().min(1).max(16).default(5),
  /** Fraction of the training images that train; the rest is the held-out validation part the metric is measured on. */
  trainPortion: z.number().gt(0).lt(1).default(0.5),
  /** Cap on batches per epoch (absent: a full pass over the training part); small on a CPU. */
  batchesPerEpoch: z.number().int().min(1).optional(),
  momentum: z.number().min(0).lt(1).default(0.9),
  /** Gradient-norm clip; a guard against a diverging first step of a fresh network. */
  gradClip: z.number().positive().default(5),
};

/**
 * Short training from scratch: a fresh NB201 network of the cell, trained `epochs`, scored on the
 * held-out part. NAS-Bench-201's recipe (Dong & Yang, ICLR 2020: SGD momentum 0.9, lr 0.1 cosine,
 * weight decay 5e-4, batch 256) with CPU-sized batch and epochs; see docs/blackbox.md.
 */
export const Nb201TrainingEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-train'),
    ...nb201TrainingFields,
    epochs: z.number().int().min(1).max(1000).default(1),
    batchSize: z.number().int().min(1).max(4096).default(64),
    learningRate: z.number().positive().max(10).default(0.1),
    weightDecay: z.number().min(0).max(1).default(5e-4),
  })
  .strict();
export type Nb201TrainingEvaluatorConfig = z.infer<typeof Nb201TrainingEvaluatorConfig>;

/**
 * A supernet's shared weights: the NB201 supernet trained once with one uniformly sampled cell per
 * step (Random Search with Weight Sharing, Li & Talwalkar, UAI 2019, on DARTS's training settings),
 * then every cell scored with those weights on `validBatches` validation batches.
 */
export const Nb201SupernetEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-supernet'),
    ...nb201TrainingFields,
    supernetEpochs: z.number().int().min(1).max(10_000).default(5),
    batchSize: z.number().int().min(1).max(4096).default(64),
    learningRate: z.number().positive().max(10).default(0.025),
    /** Cosine annealing ends here (DARTS's `learning_rate_min`). */
    learningRateMin: z.number().min(0).max(10).default(0.001),
    weightDecay: z.number().min(0).max(1).default(3e-4),
    /** Validation batches each evaluation scores (the same batches for every cell). */
    validBatches: z.number().int().min(1).max(10_000).default(10),
  })
  .strict()
  .refine((c) => c.learningRateMin <= c.learningRate, {
    path: ['learningRateMin'],
    message: 'learningRateMin must not exceed learningRate: cosine annealing goes down from learningRate to learningRateMin',
  });
export type Nb201SupernetEvaluatorConfig = z.infer<typeof Nb201SupernetEvaluatorConfig>;

/** The image data and SGD fields the DARTS evaluators share (the network's size is the space's). */
const dartsTrainingFields = {
  /** The DARTS cell space searched and its search network (`channels`, `layers`; DARTS's defaults). */
  space: DartsSpace.prefault({ kind: 'darts' }),
  dataset: DatasetConfig.prefault({}),
  trainPortion: z.number().gt(0).lt(1).default(0.5),
  batchesPerEpoch: z.number().int().min(1).optional(),
  momentum: z.number().min(0).lt(1).default(0.9),
  gradClip: z.number().positive().default(5),
  batchSize: z.number().int().min(1).max(4096).default(64),
  weightDecay: z.number().min(0).max(1).default(3e-4),
};

/**
 * Short training from scratch of a DARTS cell pair: DARTS's search network (the space's `channels`,
 * `layers`) with one op per edge, trained `epochs` with DARTS's SGD, scored on the held-out part.
 */
export const DartsTrainingEvaluatorConfig = z
  .object({
    kind: z.literal('darts-train'),
    ...dartsTrainingFields,
    epochs: z.number().int().min(1).max(1000).default(1),
    learningRate: z.number().positive().max(10).default(0.025),
  })
  .strict();
export type DartsTrainingEvaluatorConfig = z.infer<typeof DartsTrainingEvaluatorConfig>;

/** DARTS's search network trained once with one sampled cell pair per step (RSWS), then each pair scored with its weights. */
export const DartsSupernetEvaluatorConfig = z
  .object({
    kind: z.literal('darts-supernet'),
    ...dartsTrainingFields,
    supernetEpochs: z.number().int().min(1).max(10_000).default(5),
    learningRate: z.number().positive().max(10).default(0.025),
    learningRateMin: z.number().min(0).max(10).default(0.001),
    validBatches: z.number().int().min(1).max(10_000).default(10),
  })
  .strict()
  .refine((c) => c.learningRateMin <= c.learningRate, {
    path: ['learningRateMin'],
    message: 'learningRateMin must not exceed learningRate: cosine annealing goes down from learningRate to learningRateMin',
  });
export type DartsSupernetEvaluatorConfig = z.infer<typeof DartsSupernetEvaluatorConfig>;

/**
 * How cells are evaluated: table lookup, short training from scratch, or a supernet's shared
 * weights; the `darts-*` kinds search the DARTS cell space, the others NAS-Bench-201's.
 */
export const BlackBoxEvaluatorConfig = z.discriminatedUnion('kind', [
  Nb201TabularEvaluatorConfig,
  Nb201TrainingEvaluatorConfig,
  Nb201SupernetEvaluatorConfig,
  DartsTrainingEvaluatorConfig,
  DartsSupernetEvaluatorConfig,
]);
export type BlackBoxEvaluatorConfig = z.infer<typeof BlackBoxEvaluatorConfig>;

const common = {
  name: z.string().max(200).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Steps between checkpoints (absent: the family's default, docs/checkpoints.md). */
  checkpointEvery,
  evaluator: BlackBoxEvaluatorConfig.default({ kind: 'nb201-tabular', dataset: 'cifar10' }),
  budget: z.number().int().min(1).max(1_000_000).default(150),
};

export const RandomSearchConfig = z.object({ algorithm: z.literal('random'), ...common }).strict();
export type RandomSearchConfig = z.infer<typeof RandomSearchConfig>;

export const RegularizedEvolutionConfig = z
  .object({
    algorithm: z.literal('rea'),
    ...common,
    populationSize: z.number().int().min(1).max(100_000).default(30),
    sampleSize: z.number().int().min(1).max(100_000).default(10),
  })
  .strict();
export type RegularizedEvolutionConfig = z.infer<typeof RegularizedEvolutionConfig>;

export const LocalSearchConfig = z.object({ algorithm: z.literal('ls'), ...common }).strict();
export type LocalSearchConfig = z.infer<typeof LocalSearchConfig>;

/** The performance predictors (engine/search/blackbox/predictors/registry.ts maps each to its factory). */
export const PREDICTOR_KINDS = ['mlp', 'gcn', 'gp', 'arch2vec-frozen', 'arch2vec-finetune'] as const;
export type PredictorKind = (typeof PREDICTOR_KINDS)[number];

export const BananasPredictorConfig = z
  .object({
    kind: z.enum(PREDICTOR_KINDS).default('mlp'),
    /** The vector encoding of the MLP and the GP (the GCN and arch2vec read the cell graphs). */
    encoding: z.enum(['adjacency', 'path']).default('path'),
    /** arch2vec: pretrain the graph autoencoder on sampled cells (false: random encoder weights). */
    pretrained: z.boolean().default(true),
    /** arch2vec: cells sampled (without labels) for pretraining, and its epochs. */
    pretrainCells: z.number().int().min(1).max(100_000).default(2000),
    pretrainEpochs: z.number().int().min(1).max(10_000).default(8),
    /** GP: hyperparameters by marginal likelihood, or NASLib's fixed values. */
    gpHyper: z.enum(['marginal-likelihood', 'fixed']).default('marginal-likelihood'),
    ensembleSize: z.number().int().min(1).max(100).default(3),
    hidden: z.array(z.number().int().min(1).max(1024)).min(1).max(32).default([20, 20, 20]),
    epochs: z.number().int().min(1).max(10_000).default(100),
    batchSize: z.number().int().min(1).max(4096).default(32),
    learningRate: z.number().positive().max(1).default(0.01),
  })
  .strict();
export type BananasPredictorConfig = z.infer<typeof BananasPredictorConfig>;

export const BananasConfig = z
  .object({
    algorithm: z.literal('bananas'),
    ...common,
    numInit: z.number().int().min(1).max(100_000).default(10),
    batchSize: z.number().int().min(1).max(100_000).default(10),
    /** Share of each batch chosen by acquisition value, the rest at random among the candidates (1: BANANAS). */
    exploitFraction: z.number().gt(0).max(1).default(1),
    acquisition: z.enum(['its', 'ei', 'ucb', 'pi']).default('its'),
    candidates: z.enum(['mutation', 'random']).default('mutation'),
    numCandidates: z.number().int().min(1).max(100_000).default(100),
    numArchesToMutate: z.number().int().min(1).max(100_000).default(2),
    predictor: BananasPredictorConfig.prefault({}),
  })
  .strict();
export type BananasConfig = z.infer<typeof BananasConfig>;

export type BlackBoxConfig = RandomSearchConfig | RegularizedEvolutionConfig | LocalSearchConfig | BananasConfig;
