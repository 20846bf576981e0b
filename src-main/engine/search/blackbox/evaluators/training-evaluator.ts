import type { Nb201TrainingEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { orderedBatches } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { Evaluation, Evaluator } from './evaluator';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import { buildNetwork, cellWeights, trainingBatches, type TrainingData } from './nb201-training';

/**
 * Short training from scratch: every evaluation builds a fresh NAS-Bench-201 network of the cell
 * (initialized and fed batches from forks of the rng named by the cell, so a cell's result does not
 * depend on what was evaluated before it), trains it `epochs` with the learning rate annealed by a
 * cosine over the run's steps, and returns the accuracy (%) on the held-out validation part. Costs
 * are in epochs; there is no test figure.
 */
export class TrainingEvaluator implements Evaluator {
  readonly costUnit = 'epochs' as const;
  readonly name: string;

  constructor(
    private readonly config: Nb201TrainingEvaluatorConfig,
    private readonly cells: Nb201Cells,
    private readonly data: TrainingData,
    private readonly rng: Rng,
  ) {
    this.name = `nb201-train:${data.data.name}:${config.epochs}ep`;
  }

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    if (genotype.space !== 'nb201') throw new TypeError(`${this.name} trains NB201 cells, got a ${genotype.space} genotype`);
    const edgeOps = this.cells.edgeOps(this.cells.fromArchString(genotype.arch)).map((d) => this.cells.ops[d]);
    // Only the cell's own ops get weights: a network of all five ops would carry unused parameters.
    const ops = this.cells.ops.filter((op) => edgeOps.includes(op));
    const rng = this.rng.fork(`cell ${genotype.arch}`);
    const net = buildNetwork(ops, this.config, this.data, rng.fork('network'));
    const weights = cellWeights(edgeOps.map((op) => ops.indexOf(op)), ops.length);
    const trainer = new WeightTrainer(net, this.config);
    try {
      const batches = trainingBatches(this.data, this.config, rng.fork('batches'));
      const steps = this.config.epochs * this.data.stepsPerEpoch;
      for (let step = 0; step < steps; step++) {
        const batch = batches.next();
        try {
          trainer.step(batch, () => weights, cosineLearningRate(step, steps, this.config.learningRate, 0));
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        // A queue worker renews its job's lock between steps: a long training must not look dead.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const { train, shape, normalization } = this.data.data;
      const score = await scoreBatches((x) => net.forward(x, weights), orderedBatches(train, shape, normalization, this.config.batchSize, this.data.valid));
      return { metric: 100 * score.acc, cost: this.config.epochs };
    } finally {
      trainer.dispose();
      weights.normal?.weights.dispose();
      net.dispose();
    }
  }

  dispose(): void {}
}
