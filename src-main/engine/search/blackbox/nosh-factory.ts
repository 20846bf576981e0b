import { join } from 'node:path';
import { type NoshConfig, type NoshEvaluatorConfig, type RankNoshConfig, noshLevels } from '../../../../src-shared/model/algorithms/nosh';
import type { Rng } from '../../../../src-shared/model/rng';
import { loadNb201 } from '../../benchmarks/nb201';
import type { Reporter, StrategyContext, StrategyFactory } from '../strategy';
import { CurveEvaluator, nb201SyntheticCurves } from './evaluators/learning-curves';
import { loadTrainingData, nb201CellRecipe } from './evaluators/nb201-training';
import type { ResumableEvaluator } from './evaluators/resumable';
import { ResumableTrainingEvaluator } from './evaluators/resumable-training';
import { dartsCellRecipe } from './evaluators/darts-evaluators';
import { DartsCells, type DartsCellPair } from './spaces/darts-cells';
import type { CellSpace } from './spaces/cell-space';
import { Nb201Cells } from './spaces/nb201-cells';
import { type CellProposer, type Level0Scorer, Nosh } from './strategies/nosh';
import { Gcn, gcnInput, type GcnInput } from './predictors/gcn';
import { archFeatures } from './predictors/features';
import { RandomProposer, type RankerEncoder, RankerProposer, oneHotMlp } from './strategies/nosh-proposers';

/** A pausable evaluator and the cell space it trains (NB201's index or a DARTS cell pair). */
type NoshSetup = { evaluator: ResumableEvaluator<number>; cells: Nb201Cells } | { evaluator: ResumableEvaluator<DartsCellPair>; cells: DartsCells };

/** The pausable evaluator a NOSH config asks for, and the space it trains. */
export async function createResumableEvaluator(config: NoshEvaluatorConfig, resourcesDir: string, rng: Rng, reporter: Reporter): Promise<NoshSetup> {
  switch (config.kind) {
    case 'nb201-curves': {
      const table = loadNb201(join(resourcesDir, 'nb201'), config.dataset);
      const curves = nb201SyntheticCurves(table, config.curveSeed);
      return { evaluator: new CurveEvaluator(`nb201-curves:${config.dataset}:seed${config.curveSeed}`, table.cells, 200, curves), cells: table.cells };
    }
    case 'nb201-train': {
      const cells = new Nb201Cells();
      const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
      reporter.log('info', `resumable training: ${data.data.name}, ${data.train.length} images, up to ${config.epochs} epoch(s) of ${data.stepsPerEpoch} steps per cell, ${data.valid.length} validate`);
      const name = `nb201-train:${data.data.name}:${config.epochs}ep (resumable)`;
      return { evaluator: new ResumableTrainingEvaluator(name, nb201CellRecipe(cells, config, data), config, data, rng.fork('cells')), cells };
    }
    case 'darts-train': {
      const cells = new DartsCells(config.space);
      const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
      reporter.log('info', `resumable training of DARTS cell pairs: ${data.data.name}, ${data.train.length} images, up to ${config.epochs} epoch(s) of ${data.stepsPerEpoch} steps per pair, ${data.valid.length} validate (C=${config.space.channels}, ${config.space.layers} cells)`);
      const name = `darts-train:${data.data.name}:${config.epochs}ep (resumable)`;
      return { evaluator: new ResumableTrainingEvaluator(name, dartsCellRecipe(cells, config.space, data), config, data, rng.fork('cells')), cells };
    }
  }
}

/**
 * The `params` epoch-0 score: the cell's convolution weights per C² (a 1×1 conv edge 1, a 3×3 one
 * 9), which orders NB201 cells as their parameter counts do. A stand-in until a zero-cost proxy
 * (synflow, ...) is wired in through `Level0Scorer`.
 */
export function nb201ParamsScore(cells: Nb201Cells): Level0Scorer<number> {
  const perOp: Record<string, number> = { nor_conv_1x1: 1, nor_conv_3x3: 9 };
  return async (arch) => cells.edgeOps(arch).reduce((s, d) => s + (perOp[cells.ops[d]] ?? 0), 0);
}

/**
 * Rank-NOSH's proposer: its ranker's encoder is the MLP on the one-hot encoding, or BANANAS's GCN
 * (width `hidden[0]`) on the cell graph the predictors read (predictors/features.ts), in either space.
 */
function rankerProposer<A>(cells: CellSpace<A>, ranker: RankNoshConfig['ranker']): CellProposer<A> {
  if (ranker.encoder === 'mlp') return new RankerProposer(cells, oneHotMlp(cells, ranker.hidden), ranker);
  const features = archFeatures(cells, 'adjacency');
  const encoder: RankerEncoder<A, GcnInput> = { network: (rng) => new Gcn(features.nodeTypes, ranker.hidden[0], rng), input: (arch) => gcnInput(features.graphs(arch)) };
  return new RankerProposer(cells, encoder, ranker);
}

/** NOSH or Rank-NOSH over a pausable evaluator (both algorithms' entry point in the registry). */
export function createNosh<A>(config: NoshConfig | RankNoshConfig, cells: CellSpace<A>, evaluator: ResumableEvaluator<A>, rng: Rng, reporter: Reporter): Nosh<A> {
  const proposer = config.algorithm === 'rank-nosh' ? rankerProposer(cells, config.ranker) : new RandomProposer(cells);
  // The schema allows level0 'params' only with NB201 cells.
  const level0 = config.level0 === 'params' && cells instanceof Nb201Cells ? (nb201ParamsScore(cells) as unknown as Level0Scorer<A>) : null;
  return new Nosh(cells, evaluator, rng, reporter, { ...config, levels: noshLevels(config), level0, proposer });
}

export const noshFactory: StrategyFactory<NoshConfig | RankNoshConfig> = async (ctx: StrategyContext<NoshConfig | RankNoshConfig>) => {
  const setup = await createResumableEvaluator(ctx.config.evaluator, ctx.resourcesDir, ctx.rng.fork('evaluator'), ctx.reporter);
  ctx.reporter.log('info', `${ctx.config.algorithm} on ${setup.evaluator.name}: ${ctx.config.budget} epochs, levels [${noshLevels(ctx.config).join(', ')}]`);
  return setup.cells instanceof Nb201Cells
    ? createNosh(ctx.config, setup.cells, setup.evaluator as ResumableEvaluator<number>, ctx.rng, ctx.reporter)
    : createNosh(ctx.config, setup.cells, setup.evaluator as ResumableEvaluator<DartsCellPair>, ctx.rng, ctx.reporter);
};
