import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DartsTrainingEvaluatorConfig, Nb201TrainingEvaluatorConfig } from './blackbox';
import { PROXY_NAMES } from '../proxies';
import { QueueSetting } from '../queue';

/**
 * NOSH and Rank-NOSH (Wang et al., "RANK-NOSH: Efficient Predictor-Based Architecture Search via
 * Non-Uniform Successive Halving", ICCV 2021): cells trained for growing budgets on a pyramid of
 * levels, paused and resumed, the budget counted in epochs. See docs/blackbox.md.
 */

/**
 * Learning curves by lookup: NAS-Bench-201's final accuracies with synthetic, documented curves
 * leading to them (the shipped tables have no per-epoch figures). 200 epochs is a full training.
 */
export const Nb201CurvesEvaluatorConfig = z
  .object({
    kind: z.literal('nb201-curves'),
    dataset: z.enum(['cifar10', 'cifar100', 'imagenet16-120']).default('cifar10'),
    /** Seed of the synthetic curves: the benchmark, independent of the search's seed. */
    curveSeed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict();
export type Nb201CurvesEvaluatorConfig = z.infer<typeof Nb201CurvesEvaluatorConfig>;

/**
 * Evaluators that can pause and resume a cell's training: `nb201-train`'s and `darts-train`'s
 * `epochs` is the full budget (the top level); `darts-train` searches the DARTS cell space.
 */
export const NoshEvaluatorConfig = z.discriminatedUnion('kind', [Nb201TrainingEvaluatorConfig, DartsTrainingEvaluatorConfig, Nb201CurvesEvaluatorConfig]);
export type NoshEvaluatorConfig = z.infer<typeof NoshEvaluatorConfig>;

/** The pairwise ranker that proposes Rank-NOSH's cells. */
export const RankerConfig = z
  .object({
    /** `mlp` on the one-hot encoding, or `gcn` on the cell graph (BANANAS's GCN, width `hidden[0]`). */
    encoder: z.enum(['mlp', 'gcn']).default('mlp'),
    hidden: z.array(z.number().int().min(1).max(1024)).min(1).max(8).default([32]),
    epochs: z.number().int().min(1).max(10_000).default(20),
    batchSize: z.number().int().min(1).max(4096).default(64),
    learningRate: z.number().positive().max(1).default(0.01),
    /** Ordered pairs drawn per fit (all pairs when there are fewer). */
    maxPairs: z.number().int().min(1).max(1_000_000).default(1000),
    /** Unseen cells scored by the ranker per round; the best `batch` are proposed. */
    numCandidates: z.number().int().min(1).max(100_000).default(100),
  })
  .strict();

const nosh = {
  name: z.string().max(200).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  checkpointEvery,
  evaluator: NoshEvaluatorConfig.default({ kind: 'nb201-curves', dataset: 'cifar10', curveSeed: 0 }),
  /** Total training budget in epochs; one step is one epoch of one cell. */
  budget: z.number().int().min(1).max(10_000_000).default(4000),
  /**
   * Epochs at each level of the pyramid, increasing; the last is the evaluator's full training.
   * Absent: halvings of the full training, `noshLevels` (200 epochs: 12, 25, 50, 100, 200).
   */
  levels: z.array(z.number().int().min(1)).min(1).max(32).optional(),
  /** Share of the cells that reached a level allowed above it. */
  promoteShare: z.number().gt(0).lt(1).default(0.5),
  /** New cells per round. */
  batch: z.number().int().min(1).max(100_000).default(10),
  /**
   * Epoch-0 level: each new cell's zero-cost proxy (docs/proxies.md) on the evaluator's input shape,
   * only the better share trained; `none` lets every new cell in.
   */
  level0: z.enum(['none', ...PROXY_NAMES]).default('none'),
  /** Images in the minibatch of the data-dependent level-0 proxies (and TE-NAS's NTK batch). */
  level0BatchSize: z.number().int().min(2).max(256).default(8),
  /** Train the cells on the workers of a Redis queue (docs/queue.md, "NOSH's pausable trainings"); absent: here. */
  queue: QueueSetting.optional(),
};

/** Epochs of one full training with this evaluator: the training evaluators' `epochs`, NB201's 200 for the curves. */
export function fullTraining(evaluator: NoshEvaluatorConfig): number {
  return evaluator.kind === 'nb201-curves' ? 200 : evaluator.epochs;
}

/**
 * The pyramid's levels in epochs: the config's, else the full training halved four times
 * (⌊full/16⌋, ⌊full/8⌋, ⌊full/4⌋, ⌊full/2⌋, full; at least 1 epoch, repeats dropped), as in
 * successive halving with factor 2.
 */
export function noshLevels(config: { levels?: number[]; evaluator: NoshEvaluatorConfig }): number[] {
  if (config.levels) return config.levels;
  const full = fullTraining(config.evaluator);
  return [...new Set([16, 8, 4, 2, 1].map((d) => Math.max(1, Math.floor(full / d))))];
}

function levelsFit(c: { levels?: number[]; evaluator: NoshEvaluatorConfig }, ctx: z.RefinementCtx): void {
  if (!c.levels) return;
  if (c.levels.some((l, i) => i > 0 && l <= (c.levels as number[])[i - 1])) ctx.addIssue({ code: 'custom', path: ['levels'], message: 'levels must increase strictly (epochs at each level of the pyramid)' });
  const full = fullTraining(c.evaluator);
  if (c.levels[c.levels.length - 1] !== full) {
    ctx.addIssue({ code: 'custom', path: ['levels'], message: `the last level must be the evaluator's full training, ${full} epochs (nb201-train, darts-train: its epochs; nb201-curves: 200)` });
  }
}

export const NoshConfig = z.object({ algorithm: z.literal('nosh'), ...nosh }).strict().superRefine(levelsFit);
export type NoshConfig = z.infer<typeof NoshConfig>;

export const RankNoshConfig = z
  .object({ algorithm: z.literal('rank-nosh'), ...nosh, ranker: RankerConfig.prefault({}) })
  .strict()
  .superRefine(levelsFit);
export type RankNoshConfig = z.infer<typeof RankNoshConfig>;
