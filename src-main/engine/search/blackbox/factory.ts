import { join } from 'node:path';
import type { BlackBoxConfig, BlackBoxEvaluatorConfig } from '../../../../src-shared/model/algorithms/blackbox';
import type { Rng } from '../../../../src-shared/model/rng';
import { loadNb201 } from '../../benchmarks/nb201';
import type { Reporter, StrategyContext, StrategyFactory } from '../strategy';
import { Bananas } from './strategies/bananas';
import type { BlackBoxStrategy } from './strategies/base';
import type { CellSpace, CellSpaceKind } from './spaces/cell-space';
import { DartsCells, type DartsCellPair } from './spaces/darts-cells';
import { createDartsSupernetEvaluator, dartsCellRecipe } from './evaluators/darts-evaluators';
import { ResumableTrainingEvaluator } from './evaluators/resumable-training';
import { Nb201Cells } from './spaces/nb201-cells';
import type { Evaluator } from './evaluators/evaluator';
import { LocalSearch } from './strategies/local-search';
import { QueryLog } from './query-log';
import { RandomSearch } from './strategies/random-search';
import { RegularizedEvolution } from './strategies/regularized-evolution';
import { TabularEvaluator } from './evaluators/tabular-evaluator';
import { TrainingEvaluator } from './evaluators/training-evaluator';
import { loadTrainingData, nb201CellRecipe } from './evaluators/nb201-training';
import { createSupernetEvaluator } from './evaluators/supernet-evaluator';
import { proxyDatasetOf, proxyRankedCells } from './warm-start';
import { ProxyQuartileFeature } from './proxy-feature';
import { createQueuedEvaluator } from '../../../queue/queue-evaluator';

/**
 * The evaluator a config asks for, and the cell space it evaluates (the whole NB201 space for the
 * training evaluators). Training evaluators load the dataset; the supernet one also trains its
 * supernet here, before the first query.
 */
export async function createEvaluator(
  config: BlackBoxEvaluatorConfig,
  resourcesDir: string,
  rng: Rng,
  reporter: Reporter,
): Promise<{ evaluator: Evaluator; cells: CellSpace<number> | CellSpace<DartsCellPair> }> {
  switch (config.kind) {
    case 'nb201-tabular': {
      const table = loadNb201(join(resourcesDir, 'nb201'), config.dataset);
      return { evaluator: new TabularEvaluator(`nb201-tabular:${config.dataset}`, table), cells: table.cells };
    }
    case 'nb201-train': {
      const cells = new Nb201Cells();
      const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
      reporter.log(
        'info',
        `short training: ${data.data.name}, ${data.train.length} images train each cell for ${config.epochs} epoch(s) of ${data.stepsPerEpoch} steps, ${data.valid.length} validate (C=${config.channels}, N=${config.cellsPerStage})`,
      );
      const trainings = new ResumableTrainingEvaluator(`nb201-train:${data.data.name}:${config.epochs}ep`, nb201CellRecipe(cells, config, data), config, data, rng.fork('cells'));
      return { evaluator: new TrainingEvaluator(trainings.name, trainings), cells };
    }
    case 'nb201-supernet': {
      const cells = new Nb201Cells();
      return { evaluator: await createSupernetEvaluator(config, resourcesDir, cells, rng, reporter), cells };
    }
    case 'darts-train': {
      const cells = new DartsCells(config.space);
      const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
      reporter.log('info', `short training: ${data.data.name}, ${data.train.length} images train each DARTS cell pair for ${config.epochs} epoch(s) of ${data.stepsPerEpoch} steps, ${data.valid.length} validate (C=${config.space.channels}, ${config.space.layers} cells)`);
      const trainings = new ResumableTrainingEvaluator(`darts-train:${data.data.name}:${config.epochs}ep`, dartsCellRecipe(cells, config.space, data), config, data, rng.fork('cells'));
      return { evaluator: new TrainingEvaluator(trainings.name, trainings), cells };
    }
    case 'darts-supernet': {
      const cells = new DartsCells(config.space);
      return { evaluator: await createDartsSupernetEvaluator(config, resourcesDir, cells, rng, reporter), cells };
    }
  }
}

/** The cell spaces each black-box algorithm can search, as its strategy states them. */
export const STRATEGY_SPACES = {
  random: RandomSearch.spaces,
  rea: RegularizedEvolution.spaces,
  ls: LocalSearch.spaces,
  bananas: Bananas.spaces,
} satisfies Record<BlackBoxConfig['algorithm'], readonly CellSpaceKind[]>;

/**
 * The strategy a config names, over a query log that already holds its evaluator and budget;
 * refuses a cell space the strategy does not support.
 */
export function createBlackBoxStrategy<A>(config: BlackBoxConfig, log: QueryLog<A>, rng: Rng, reporter: Reporter, proxyFeature?: ProxyQuartileFeature<A>): BlackBoxStrategy<A> {
  const supported: readonly CellSpaceKind[] = STRATEGY_SPACES[config.algorithm];
  if (!supported.includes(log.cells.kind)) {
    throw new RangeError(`${config.algorithm} searches the ${supported.join(' and ')} cell space${supported.length > 1 ? 's' : ''}, not ${log.cells.kind}: pick another algorithm`);
  }
  switch (config.algorithm) {
    case 'random':
      return new RandomSearch(log, rng, reporter);
    case 'rea':
      return new RegularizedEvolution(log, rng, reporter, config);
    case 'ls':
      return new LocalSearch(log, rng, reporter);
    case 'bananas':
      return new Bananas(log, rng, reporter, config, proxyFeature);
  }
}

/** The engine's entry point for every black-box algorithm. */
export const blackBoxFactory: StrategyFactory<BlackBoxConfig> = async (ctx: StrategyContext<BlackBoxConfig>) => {
  const { queue } = ctx.config;
  // With a queue, the workers build this same evaluator from the config and the seed (docs/queue.md).
  const { evaluator, cells } = queue
    ? await createQueuedEvaluator({ ...ctx.config, queue }, ctx.resourcesDir, (message) => ctx.reporter.log('warn', message))
    : await createEvaluator(ctx.config.evaluator, ctx.resourcesDir, ctx.rng.fork('evaluator'), ctx.reporter);
  // NB201's or the DARTS space's cells: the strategy is generic in them.
  const space = cells as CellSpace<unknown>;
  const log = new QueryLog<unknown>(space, evaluator, ctx.reporter, ctx.config.budget);
  ctx.reporter.log('info', `${ctx.config.algorithm} on ${evaluator.name}: ${log.limit} queries`);
  const dataset = proxyDatasetOf(ctx.config.evaluator);
  const feature =
    ctx.config.algorithm === 'bananas' && ctx.config.proxyFeature
      ? await ProxyQuartileFeature.create(ctx.config.proxyFeature, space, dataset, ctx.resourcesDir, ctx.config.seed)
      : undefined;
  const strategy = createBlackBoxStrategy(ctx.config, log, ctx.rng, ctx.reporter, feature);
  const warm = ctx.config.warmStart;
  if (warm) {
    strategy.setWarmStart(await proxyRankedCells(space, warm, dataset, ctx.resourcesDir, ctx.config.seed, ctx.rng.fork('warm-start'), ctx.reporter));
  }
  return strategy;
};
