import type { Nb201SupernetEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { orderedBatches, type Batch } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import type { Nb201Supernet } from '../../../supernet/nb201-network';
import type { Reporter } from '../../strategy';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { Evaluation, Evaluator } from './evaluator';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import { buildNetwork, cellWeights, loadTrainingData, trainingBatches } from './nb201-training';

/**
 * Evaluation with a trained supernet's shared weights (Random Search with Weight Sharing, Li &
 * Talwalkar, UAI 2019): the metric is a cell's accuracy (%) on the same `validBatches` validation
 * batches, the network normalizing with each batch's statistics as it did in training. One query
 * costs one query; the supernet's training is paid once, in createSupernetEvaluator.
 */
export class SupernetEvaluator implements Evaluator {
  readonly costUnit = 'queries' as const;

  constructor(
    readonly name: string,
    private readonly cells: Nb201Cells,
    private readonly net: Nb201Supernet,
    private readonly valid: readonly Batch[],
  ) {}

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    if (genotype.space !== 'nb201') throw new TypeError(`${this.name} scores NB201 cells, got a ${genotype.space} genotype`);
    const weights = cellWeights(this.cells.edgeOps(this.cells.fromArchString(genotype.arch)), this.cells.ops.length);
    try {
      // scoreBatches disposes what it scores: hand it clones (they share the kept batches' data).
      const batches = this.valid.map((b) => ({ x: b.x.clone(), y: b.y.clone(), epoch: b.epoch }));
      const score = await scoreBatches((x) => this.net.forward(x, weights), batches);
      return { metric: 100 * score.acc, cost: 1 };
    } finally {
      weights.normal?.weights.dispose();
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

/**
 * Trains the NB201 supernet over `cells` with one uniformly sampled cell per step (RSWS), SGD as in
 * DARTS's search (momentum, L2 decay, clipped gradient, learning rate cosine-annealed per epoch),
 * then returns the evaluator over its shared weights.
 */
export async function createSupernetEvaluator(
  config: Nb201SupernetEvaluatorConfig,
  resourcesDir: string,
  cells: Nb201Cells,
  rng: Rng,
  reporter: Reporter,
): Promise<SupernetEvaluator> {
  const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
  const net = buildNetwork(cells.ops, config, data, rng.fork('network'));
  const started = performance.now();
  try {
    const trainer = new WeightTrainer(net, config);
    const batches = trainingBatches(data, config, rng.fork('batches'));
    const sampler = rng.fork('cells');
    reporter.log('info', `supernet: training ${config.supernetEpochs} epoch(s) of ${data.stepsPerEpoch} steps on ${data.train.length} ${data.data.name} images, one random cell per step (C=${config.channels}, N=${config.cellsPerStage})`);
    try {
      for (let epoch = 0; epoch < config.supernetEpochs; epoch++) {
        const lr = cosineLearningRate(epoch, config.supernetEpochs, config.learningRate, config.learningRateMin);
        let loss = 0;
        let acc = 0;
        for (let step = 0; step < data.stepsPerEpoch; step++) {
          const weights = cellWeights(cells.edgeOps(sampler.int(cells.size)), cells.ops.length);
          const batch = batches.next();
          try {
            const result = trainer.step(batch, () => weights, lr);
            loss += result.loss;
            acc += result.acc;
          } finally {
            weights.normal?.weights.dispose();
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
  const valid = [...orderedBatches(train, shape, normalization, config.batchSize, data.valid.slice(0, config.validBatches * config.batchSize))];
  const seconds = (performance.now() - started) / 1000;
  reporter.log('info', `supernet trained in ${seconds.toFixed(1)} s; each query scores ${valid.length} validation batches (${data.valid.slice(0, config.validBatches * config.batchSize).length} images)`);
  return new SupernetEvaluator(`nb201-supernet:${data.data.name}:${config.supernetEpochs}ep`, cells, net, valid);
}
