import type { Nb201SupernetEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { OneShotCommon } from '../../../../../src-shared/model/algorithms/one-shot';
import type { Genotype, Nb201Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { orderedBatches, type Batch } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import type { CellWeights, Supernet } from '../../../supernet/types';
import type { Reporter } from '../../strategy';
import type { CellSpace } from '../spaces/cell-space';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { Evaluation, Evaluator } from './evaluator';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import { buildNetwork, cellWeights, loadTrainingData, trainingBatches, type ImageDataSetup, type TrainingData } from './nb201-training';

/** A space's cells on one shared network: the one-hot edge weights that make it compute a cell. */
export interface SharedNetworkCells<A, G extends Genotype> {
  readonly space: G['space'];
  readonly cells: CellSpace<A>;
  fromGenotype(genotype: G): A;
  /** The caller disposes the tensors. */
  weights(arch: A): CellWeights;
}

function disposeWeights(w: CellWeights): void {
  w.normal?.weights.dispose();
  w.reduce?.weights.dispose();
}

/**
 * Evaluation with a trained supernet's shared weights (Random Search with Weight Sharing, Li &
 * Talwalkar, UAI 2019): the metric is a cell's accuracy (%) on the same `validBatches` validation
 * batches, the network normalizing with each batch's statistics as it did in training. One query
 * costs one query; the supernet's training is paid once, in `trainSharedSupernet`.
 */
export class SupernetEvaluator<A, G extends Genotype> implements Evaluator {
  readonly costUnit = 'queries' as const;

  constructor(
    readonly name: string,
    private readonly shared: SharedNetworkCells<A, G>,
    private readonly net: Supernet,
    private readonly valid: readonly Batch[],
  ) {}

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    const { space } = this.shared;
    if (genotype.space !== space) throw new TypeError(`${this.name} scores ${space} cells, got a ${genotype.space} genotype`);
    // The space is checked: the genotype is this space's kind.
    const weights = this.shared.weights(this.shared.fromGenotype(genotype as G));
    try {
      // scoreBatches disposes what it scores: hand it clones (they share the kept batches' data).
      const batches = this.valid.map((b) => ({ x: b.x.clone(), y: b.y.clone(), epoch: b.epoch }));
      const score = await scoreBatches((x) => this.net.forward(x, weights), batches);
      return { metric: 100 * score.acc, cost: 1 };
    } finally {
      disposeWeights(weights);
    }
  }

  dispose(): void {
    for (const b of this.valid) {
      b.x.dispose();
      b.y.dispose();
    }
    this.net.dispose();
  }
}

/** The supernet evaluators' training fields (NB201's and DARTS's schemas both have them). */
export type SupernetSetup = ImageDataSetup &
  Pick<OneShotCommon, 'momentum' | 'weightDecay' | 'gradClip'> & { supernetEpochs: number; learningRate: number; learningRateMin: number; validBatches: number };

/**
 * Trains `net` with one uniformly sampled cell per step (RSWS), SGD as in DARTS's search (momentum,
 * L2 decay, clipped gradient, learning rate cosine-annealed per epoch), then returns the evaluator
 * over its shared weights; the network is the evaluator's (disposed here if training fails).
 */
export function trainSharedSupernet<A, G extends Genotype>(
  name: string,
  shared: SharedNetworkCells<A, G>,
  net: Supernet,
  config: SupernetSetup,
  data: TrainingData,
  rng: Rng,
  reporter: Reporter,
): SupernetEvaluator<A, G> {
  const started = performance.now();
  try {
    const trainer = new WeightTrainer(net, config);
    const batches = trainingBatches(data, config, rng.fork('batches'));
    const sampler = rng.fork('cells');
    reporter.log('info', `${name}: training ${config.supernetEpochs} epoch(s) of ${data.stepsPerEpoch} steps on ${data.train.length} ${data.data.name} images, one random cell per step`);
    try {
      for (let epoch = 0; epoch < config.supernetEpochs; epoch++) {
        const lr = cosineLearningRate(epoch, config.supernetEpochs, config.learningRate, config.learningRateMin);
        let loss = 0;
        let acc = 0;
        for (let step = 0; step < data.stepsPerEpoch; step++) {
          const weights = shared.weights(shared.cells.sample(sampler));
          const batch = batches.next();
          try {
            const result = trainer.step(batch, () => weights, lr);
            loss += result.loss;
            acc += result.acc;
          } finally {
            disposeWeights(weights);
            batch.x.dispose();
            batch.y.dispose();
          }
        }
        reporter.log('info', `supernet epoch ${epoch + 1}/${config.supernetEpochs}: loss ${(loss / data.stepsPerEpoch).toFixed(3)}, train accuracy ${((100 * acc) / data.stepsPerEpoch).toFixed(1)} %`);
      }
    } finally {
      trainer.dispose();
    }
  } catch (error) {
    net.dispose();
    throw error;
  }
  const { train, shape, normalization } = data.data;
  const held = data.valid.slice(0, config.validBatches * config.batchSize);
  const valid = [...orderedBatches(train, shape, normalization, config.batchSize, held)];
  reporter.log('info', `supernet trained in ${((performance.now() - started) / 1000).toFixed(1)} s; each query scores ${valid.length} validation batches (${held.length} images)`);
  return new SupernetEvaluator(name, shared, net, valid);
}

/** The NB201 supernet over `cells` (all their ops on every edge), trained and ready to score cells. */
export async function createSupernetEvaluator(
  config: Nb201SupernetEvaluatorConfig,
  resourcesDir: string,
  cells: Nb201Cells,
  rng: Rng,
  reporter: Reporter,
): Promise<SupernetEvaluator<number, Nb201Genotype>> {
  const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
  const net = buildNetwork(cells.ops, config, data, rng.fork('network'));
  const shared: SharedNetworkCells<number, Nb201Genotype> = {
    space: 'nb201',
    cells,
    fromGenotype: (genotype) => cells.fromArchString(genotype.arch),
    weights: (arch) => cellWeights(cells.edgeOps(arch), cells.ops.length),
  };
  return trainSharedSupernet(`nb201-supernet:${data.data.name}:${config.supernetEpochs}ep`, shared, net, config, data, rng, reporter);
}
