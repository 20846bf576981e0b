import { z } from 'zod';

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

/** How cells are evaluated. Supernet and short-training evaluators join this union. */
export const BlackBoxEvaluatorConfig = z.discriminatedUnion('kind', [Nb201TabularEvaluatorConfig]);
export type BlackBoxEvaluatorConfig = z.infer<typeof BlackBoxEvaluatorConfig>;

const common = {
  name: z.string().max(200).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
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
  })
  .strict();
export type BananasConfig = z.infer<typeof BananasConfig>;

export type BlackBoxConfig = RandomSearchConfig | RegularizedEvolutionConfig | LocalSearchConfig | BananasConfig;
