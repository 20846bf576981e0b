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
import { describeProxyData, type ProxyDataset } from '../../proxies/data';
import { higherIsBetter, type ProxyName } from '../../proxies/registry';
import { DEFAULT_PROXY_SETTINGS, ProxyScorer, type ProxySettings } from '../../proxies/scorer';
import { QueuedResumableEvaluator } from '../../../queue/cell-evaluator';
import type { QueueSetting } from '../../../../src-shared/model/queue';

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

/** The pausable evaluator of a config with `queue`: each rung of a cell's training is a job (docs/queue.md). */
async function queuedEvaluator(config: (NoshConfig | RankNoshConfig) & { queue: QueueSetting }, resourcesDir: string, warn: (message: string) => void): Promise<NoshSetup> {
  if (config.evaluator.kind === 'darts-train') {
    const cells = new DartsCells(config.evaluator.space);
    return { evaluator: await QueuedResumableEvaluator.open(cells, config, resourcesDir, warn), cells };
  }
  const cells = new Nb201Cells();
  return { evaluator: await QueuedResumableEvaluator.open(cells, config, resourcesDir, warn), cells };
}

/** The proxies' input for a NOSH evaluator: the curves' NB201 dataset, or the shape of the images trained on. */
export function level0Dataset(config: NoshEvaluatorConfig): ProxyDataset {
  if (config.kind === 'nb201-curves') return config.dataset;
  const name = config.dataset.name;
  return name === 'cifar10' || name === 'cifar100' ? name : 'fashion-mnist'; // embedded, Fashion-MNIST, MNIST: 28×28×1, 10 classes
}

/**
 * The epoch-0 level from a zero-cost proxy: one ProxyScorer (its minibatch drawn once from the run's
 * seed) scores each new cell on the space's network at initialization. Higher is better: TE-NAS's
 * condition number is negated; a NaN or infinite score (jacob_cov of a constant Jacobian, NASWOT of a
 * singular kernel) becomes ∓Number.MAX_VALUE, so it ranks last (first for +∞) and survives a checkpoint.
 */
export async function proxyLevel0<A>(proxy: ProxyName, cells: CellSpace<A>, dataset: ProxyDataset, settings: ProxySettings, resourcesDir: string): Promise<Level0Scorer<A>> {
  const scorer = await ProxyScorer.create(dataset, settings, resourcesDir);
  const sign = higherIsBetter(proxy) ? 1 : -1;
  const score: Level0Scorer<A> = async (arch) => {
    const v = sign * (await scorer.score(cells.toGenotype(arch), proxy));
    return Number.isNaN(v) || v === -Infinity ? -Number.MAX_VALUE : v === Infinity ? Number.MAX_VALUE : v;
  };
  score.dispose = () => scorer.dispose();
  return score;
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
export function createNosh<A>(
  config: NoshConfig | RankNoshConfig,
  cells: CellSpace<A>,
  evaluator: ResumableEvaluator<A>,
  rng: Rng,
  reporter: Reporter,
  level0: Level0Scorer<A> | null = null,
): Nosh<A> {
  const proposer = config.algorithm === 'rank-nosh' ? rankerProposer(cells, config.ranker) : new RandomProposer(cells);
  return new Nosh(cells, evaluator, rng, reporter, { ...config, levels: noshLevels(config), level0, proposer });
}

export const noshFactory: StrategyFactory<NoshConfig | RankNoshConfig> = async (ctx: StrategyContext<NoshConfig | RankNoshConfig>) => {
  const { queue } = ctx.config;
  // With a queue, the workers build this same evaluator from the config and the seed.
  const setup = queue
    ? await queuedEvaluator({ ...ctx.config, queue }, ctx.resourcesDir, (message) => ctx.reporter.log('warn', message))
    : await createResumableEvaluator(ctx.config.evaluator, ctx.resourcesDir, ctx.rng.fork('evaluator'), ctx.reporter);
  ctx.reporter.log('info', `${ctx.config.algorithm} on ${setup.evaluator.name}: ${ctx.config.budget} epochs, levels [${noshLevels(ctx.config).join(', ')}]`);
  const start = async <A>(cells: CellSpace<A>, evaluator: ResumableEvaluator<A>): Promise<Nosh<A>> => {
    const { level0, level0BatchSize, seed } = ctx.config;
    if (level0 === 'none') return createNosh(ctx.config, cells, evaluator, ctx.rng, ctx.reporter);
    const dataset = level0Dataset(ctx.config.evaluator);
    const settings = { ...DEFAULT_PROXY_SETTINGS, batchSize: level0BatchSize, ntkBatchSize: level0BatchSize, seed };
    ctx.reporter.log('info', `epoch-0 level: ${level0} at initialization on ${dataset}'s input (${describeProxyData(dataset)})`);
    return createNosh(ctx.config, cells, evaluator, ctx.rng, ctx.reporter, await proxyLevel0(level0, cells, dataset, settings, ctx.resourcesDir));
  };
  return setup.cells instanceof Nb201Cells
    ? start(setup.cells, setup.evaluator as ResumableEvaluator<number>)
    : start(setup.cells, setup.evaluator as ResumableEvaluator<DartsCellPair>);
};
