import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DatasetConfig } from '../dataset';
import { DartsSpace } from '../space';
import { PROXY_NAMES } from '../proxies';
import { QueueSetting } from '../queue';

/**
 * Black-box NAS: random search, regularized evolution, local search and BANANAS. One step is one
 * query; `budget` counts distinct cells (a re-query of a seen cell is free). Defaults are NASLib's
 * (naslib/benchmarks/create_configs.py, config_type "nas"), see docs/blackbox.md.
 */
export const Nb201TabularEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-tabular').meta({ title: 'nb201-tabular: NAS-Bench-201 lookup' }),
    dataset: z.enum(['cifar10', 'cifar100', 'imagenet16-120']).default('cifar10').meta({ title: 'NAS-Bench-201 dataset' }),
  })
  .strict();

/** The network and data both training evaluators share (NB201's network on the user's images). */
const nb201TrainingFields = {
  dataset: DatasetConfig.prefault({}),
  channels: z.number().int().min(1).max(256).default(16).meta({ title: 'Channels (C)', description: 'NB201\'s C: stages have C, 2C, 4C channels' }),
  cellsPerStage: z.number().int().min(1).max(16).default(5).meta({ title: 'Cells per stage (N)' }),
  trainPortion: z.number().gt(0).lt(1).default(0.5)
    .meta({ title: 'Train portion', description: 'share of the training images that train; the rest is held out, and the metric is the accuracy on it' }),
  batchesPerEpoch: z.number().int().min(1).optional()
    .meta({ title: 'Batches per epoch (max)', description: 'cap an epoch for a quick run on a CPU; empty: a full pass over the training part' }),
  momentum: z.number().min(0).lt(1).default(0.9).meta({ title: 'Momentum' }),
  /** A guard against a diverging first step of a fresh network. */
  gradClip: z.number().positive().default(5).meta({ title: 'Gradient clip' }),
};

/**
 * Short training from scratch: a fresh NB201 network of the cell, trained `epochs`, scored on the
 * held-out part. NAS-Bench-201's recipe (Dong & Yang, ICLR 2020: SGD momentum 0.9, lr 0.1 cosine,
 * weight decay 5e-4, batch 256) with CPU-sized batch and epochs; see docs/blackbox.md.
 */
export const Nb201TrainingEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-train').meta({ title: 'nb201-train: train each cell from scratch on your images' }),
    ...nb201TrainingFields,
    epochs: z.number().int().min(1).max(1000).default(1).meta({ title: 'Epochs per cell' }),
    batchSize: z.number().int().min(1).max(4096).default(64).meta({ title: 'Batch size' }),
    learningRate: z.number().positive().max(10).default(0.1).meta({ title: 'Learning rate' }),
    weightDecay: z.number().min(0).max(1).default(5e-4).meta({ title: 'Weight decay' }),
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
    kind: z.literal('nb201-supernet').meta({ title: 'nb201-supernet: score each cell with a supernet\'s shared weights' }),
    ...nb201TrainingFields,
    supernetEpochs: z.number().int().min(1).max(10_000).default(5).meta({ title: 'Supernet epochs', description: 'trained once, before the first cell is scored' }),
    batchSize: z.number().int().min(1).max(4096).default(64).meta({ title: 'Batch size' }),
    learningRate: z.number().positive().max(10).default(0.025).meta({ title: 'Learning rate' }),
    learningRateMin: z.number().min(0).max(10).default(0.001).meta({ title: 'Final learning rate', description: 'where cosine annealing ends (DARTS\'s learning_rate_min)' }),
    weightDecay: z.number().min(0).max(1).default(3e-4).meta({ title: 'Weight decay' }),
    validBatches: z.number().int().min(1).max(10_000).default(10)
      .meta({ title: 'Validation batches per cell', description: 'each evaluation scores the same batches for every cell' }),
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
    kind: z.literal('darts-train').meta({ title: 'darts-train: train each DARTS cell pair from scratch on your images' }),
    ...dartsTrainingFields,
    epochs: z.number().int().min(1).max(1000).default(1),
    learningRate: z.number().positive().max(10).default(0.025),
  })
  .strict();
export type DartsTrainingEvaluatorConfig = z.infer<typeof DartsTrainingEvaluatorConfig>;

/** DARTS's search network trained once with one sampled cell pair per step (RSWS), then each pair scored with its weights. */
export const DartsSupernetEvaluatorConfig = z
  .object({
    kind: z.literal('darts-supernet').meta({ title: 'darts-supernet: score each DARTS cell pair with a supernet\'s shared weights' }),
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
export const BlackBoxEvaluatorConfig = z
  .discriminatedUnion('kind', [Nb201TabularEvaluatorConfig, Nb201TrainingEvaluatorConfig, Nb201SupernetEvaluatorConfig, DartsTrainingEvaluatorConfig, DartsSupernetEvaluatorConfig])
  .meta({ title: 'Evaluator', description: 'how a cell is scored: NAS-Bench-201\'s table, training from scratch, or a supernet trained once; darts-*: the DARTS cell space' });
export type BlackBoxEvaluatorConfig = z.infer<typeof BlackBoxEvaluatorConfig>;

/**
 * Zero-cost warm start (Abdelfattah et al., ICLR 2021, "warmup"): score `candidates` random cells
 * with `proxy` at initialization (no training, docs/proxies.md) and query them best-first before
 * the strategy's own choices: random search's first queries, regularized evolution's initial
 * population, BANANAS's initial cells.
 */
export const WarmStartConfig = z
  .object({
    /** synflow by default: the best of Abdelfattah et al.'s proxies on NAS-Bench-201 (ρ ≈ 0.74). */
    proxy: z.enum(PROXY_NAMES).default('synflow').meta({ title: 'Warm start: proxy' }),
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
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0).meta({ title: 'Seed', description: 'the only source of the run\'s randomness: the same seed repeats the run' }),
  /** Steps between checkpoints (absent: the family's default, docs/checkpoints.md). */
  checkpointEvery,
  budget: z.number().int().min(1).max(1_000_000).default(150)
    .meta({ title: 'Budget (cells)', description: 'distinct cells evaluated: looked up, trained from scratch or scored with the supernet, as the evaluator says' }),
  evaluator: BlackBoxEvaluatorConfig.default({ kind: 'nb201-tabular', dataset: 'cifar10' }),
  /** Evaluate on the workers of a Redis queue (docs/queue.md); absent: locally, as the evaluator says. */
  queue: QueueSetting.optional(),
};

export const RandomSearchConfig = z.object({ algorithm: z.literal('random'), ...common }).strict();
export type RandomSearchConfig = z.infer<typeof RandomSearchConfig>;

export const RegularizedEvolutionConfig = z
  .object({
    algorithm: z.literal('rea'),
    ...common,
    populationSize: z.number().int().min(1).max(100_000).default(30).meta({ title: 'Population' }),
    sampleSize: z.number().int().min(1).max(100_000).default(10).meta({ title: 'Tournament size' }),
  })
  .strict();
export type RegularizedEvolutionConfig = z.infer<typeof RegularizedEvolutionConfig>;

export const LocalSearchConfig = z.object({ algorithm: z.literal('ls'), ...common }).strict();
export type LocalSearchConfig = z.infer<typeof LocalSearchConfig>;

/** The performance predictors (engine/search/blackbox/predictors/registry.ts maps each to its factory). */
export const PREDICTOR_KINDS = ['mlp', 'gcn', 'gp', 'arch2vec-frozen', 'arch2vec-finetune', 'ranker'] as const;
export type PredictorKind = (typeof PREDICTOR_KINDS)[number];

export const BananasPredictorConfig = z
  .object({
    kind: z.enum(PREDICTOR_KINDS).default('mlp').meta({ title: 'Predictor' }),
    /** The vector encoding of the MLP and the GP (the GCN and arch2vec read the cell graphs). */
    encoding: z.enum(['adjacency', 'path']).default('path').meta({ title: 'Encoding' }),
    /** arch2vec: pretrain the graph autoencoder on sampled cells (false: random encoder weights). */
    pretrained: z.boolean().default(true).meta({ title: 'arch2vec: pretrained encoder' }),
    /** arch2vec: cells sampled (without labels) for pretraining, and its epochs. */
    pretrainCells: z.number().int().min(1).max(100_000).default(2000).meta({ title: 'arch2vec: pretraining cells' }),
    pretrainEpochs: z.number().int().min(1).max(10_000).default(8).meta({ title: 'arch2vec: pretraining epochs' }),
    /** GP: hyperparameters by marginal likelihood, or NASLib's fixed values. */
    gpHyper: z.enum(['marginal-likelihood', 'fixed']).default('marginal-likelihood').meta({ title: 'GP hyperparameters' }),
    ensembleSize: z.number().int().min(1).max(100).default(3).meta({ title: 'Predictor ensemble size' }),
    hidden: z.array(z.number().int().min(1).max(1024)).min(1).max(32).default([20, 20, 20]),
    epochs: z.number().int().min(1).max(10_000).default(100).meta({ title: 'Predictor epochs' }),
    batchSize: z.number().int().min(1).max(4096).default(32).meta({ title: 'Predictor batch size' }),
    learningRate: z.number().positive().max(1).default(0.01).meta({ title: 'Predictor learning rate' }),
  })
  .strict();
export type BananasPredictorConfig = z.infer<typeof BananasPredictorConfig>;

export const BananasConfig = z
  .object({
    algorithm: z.literal('bananas'),
    ...common,
    numInit: z.number().int().min(1).max(100_000).default(10).meta({ title: 'Random initial cells' }),
    batchSize: z.number().int().min(1).max(100_000).default(10).meta({ title: 'Cells per round' }),
    /** Share of each batch chosen by acquisition value, the rest at random among the candidates (1: BANANAS). */
    exploitFraction: z.number().gt(0).max(1).default(1)
      .meta({ title: 'Share chosen by acquisition', description: 'the rest of each round is drawn at random among the candidates (iterative data selection); 1: BANANAS' }),
    acquisition: z.enum(['its', 'ei', 'ucb', 'pi']).default('its')
      .meta({ title: 'Acquisition', description: 'its: independent Thompson sampling; ei, ucb, pi: expected improvement, upper confidence bound, probability of improvement' }),
    candidates: z.enum(['mutation', 'random']).default('mutation').meta({ title: 'Candidates from' }),
    numCandidates: z.number().int().min(1).max(100_000).default(100).meta({ title: 'Candidates per round' }),
    numArchesToMutate: z.number().int().min(1).max(100_000).default(2).meta({ title: 'Best cells mutated per round' }),
    predictor: BananasPredictorConfig.prefault({}),
    /** A zero-cost proxy appended to the predictor's input (its quartile among the cells fitted on, one-hot); absent: none. */
    proxyFeature: z.enum(PROXY_NAMES).optional(),
  })
  .strict();
export type BananasConfig = z.infer<typeof BananasConfig>;

export type BlackBoxConfig = RandomSearchConfig | RegularizedEvolutionConfig | LocalSearchConfig | BananasConfig;
