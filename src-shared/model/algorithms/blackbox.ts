import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DatasetConfig } from '../dataset';
import { PROXY_NAMES } from '../proxies';

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

/** How cells are evaluated: table lookup, short training from scratch, or a supernet's shared weights. */
export const BlackBoxEvaluatorConfig = z.discriminatedUnion('kind', [
  Nb201TabularEvaluatorConfig,
  Nb201TrainingEvaluatorConfig,
  Nb201SupernetEvaluatorConfig,
]);
export type BlackBoxEvaluatorConfig = z.infer<typeof BlackBoxEvaluatorConfig>;

/**
 * Zero-cost warm start (Abdelfattah et al., ICLR 2021, "warmup"): score `candidates` random cells
 * with `proxy` at initialization (no training, docs/proxies.md) and query them best-first before
 * the strategy's own choices: random search's first queries, regularized evolution's initial
 * population, BANANAS's initial cells.
 */
export const WarmStartConfig = z
  .object({
    proxy: z.enum(PROXY_NAMES),
    candidates: z.number().int().min(1).max(100_000).default(100),
    /** Images per proxy minibatch (data-dependent proxies). */
    batchSize: z.number().int().min(2).max(1024).default(8),
  })
  .strict();
export type WarmStartConfig = z.infer<typeof WarmStartConfig>;

const common = {
  /** Absent: no warm start. */
  warmStart: WarmStartConfig.optional(),
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

export const BananasPredictorConfig = z
  .object({
    kind: z.enum(['mlp', 'gcn']).default('mlp'),
    encoding: z.enum(['adjacency', 'path']).default('path'),
    ensembleSize: z.number().int().min(1).max(100).default(3),
    hidden: z.array(z.number().int().min(1).max(1024)).min(1).max(32).default([20, 20, 20]),
    epochs: z.number().int().min(1).max(10_000).default(100),
    batchSize: z.number().int().min(1).max(4096).default(32),
    learningRate: z.number().positive().max(1).default(0.01),
  })
  .strict();

export const BananasConfig = z
  .object({
    algorithm: z.literal('bananas'),
    ...common,
    numInit: z.number().int().min(1).max(100_000).default(10),
    batchSize: z.number().int().min(1).max(100_000).default(10),
    acquisition: z.enum(['its', 'ei', 'ucb', 'pi']).default('its'),
    candidates: z.enum(['mutation', 'random']).default('mutation'),
    numCandidates: z.number().int().min(1).max(100_000).default(100),
    numArchesToMutate: z.number().int().min(1).max(100_000).default(2),
    predictor: BananasPredictorConfig.prefault({}),
    /** A zero-cost proxy appended to the predictor's input (its quartile among the cells fitted on, one-hot); absent: none. */
    proxyFeature: z.enum(PROXY_NAMES).optional(),
  })
  .strict();
export type BananasConfig = z.infer<typeof BananasConfig>;

export type BlackBoxConfig = RandomSearchConfig | RegularizedEvolutionConfig | LocalSearchConfig | BananasConfig;
