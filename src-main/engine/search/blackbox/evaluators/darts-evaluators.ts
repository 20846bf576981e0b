import * as tf from '@tensorflow/tfjs';
import type { DartsSupernetEvaluatorConfig, DartsTrainingEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { orderedBatches, type Batch } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import { planDartsSpace } from '../../../spaces/darts-cells';
import { DartsSupernet } from '../../../supernet/darts-network';
import type { CellWeights } from '../../../supernet/types';
import type { Reporter } from '../../strategy';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import { DARTS_CELL_KINDS, type DartsCellPair, type DartsCells } from '../spaces/darts-cells';
import type { Evaluation, Evaluator } from './evaluator';
import { loadTrainingData, trainingBatches, type TrainingData } from './nb201-training';

/**
 * One-hot edge weights with `activeOp` that make DARTS's search network compute exactly the pair:
 * a chosen edge its op, an unused edge `none` (or, where the edge offers no `none`, weight 0 on its
 * first op, which the node sum then ignores). The caller disposes the tensors.
 */
export function dartsCellWeights(space: unknown, pair: DartsCellPair): CellWeights {
  const plan = planDartsSpace(space);
  const out: CellWeights = {};
  for (const kind of DARTS_CELL_KINDS) {
    const used = new Map(pair[kind].map(([op, from], slot) => [`${Math.floor(slot / 2)}:${from}`, op]));
    const activeOp: number[] = [];
    const rows = plan.edges[kind].map(({ node, input, ops }) => {
      const op = used.get(`${node}:${input}`) ?? 'none';
      const k = (ops as readonly string[]).indexOf(op);
      activeOp.push(Math.max(k, 0));
      return ops.map((_, j) => (j === k ? 1 : 0));
    });
    out[kind] = { weights: tf.tensor2d(rows, [rows.length, rows[0].length], 'float32'), activeOp };
  }
  return out;
}

function disposeWeights(w: CellWeights): void {
  w.normal?.weights.dispose();
  w.reduce?.weights.dispose();
}

function buildNetwork(space: unknown, data: TrainingData, rng: Rng): DartsSupernet {
  const [, , inChannels] = data.data.shape;
  return new DartsSupernet(space, { inChannels, numClasses: data.data.classes }, rng);
}

/**
 * Short training from scratch of a DARTS cell pair (the `nb201-train` evaluator's recipe on DARTS's
 * search network): a fresh network per query, initialised and fed from forks named by the pair's
 * key, trained `epochs` with the fixed one-hot weights (only the pair's ops get gradients), scored on
 * the held-out part. Costs are in epochs.
 */
export class DartsTrainingEvaluator implements Evaluator {
  readonly costUnit = 'epochs' as const;
  readonly name: string;

  constructor(
    private readonly config: DartsTrainingEvaluatorConfig,
    private readonly cells: DartsCells,
    private readonly data: TrainingData,
    private readonly rng: Rng,
  ) {
    this.name = `darts-train:${data.data.name}:${config.epochs}ep`;
  }

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    if (genotype.space !== 'darts') throw new TypeError(`${this.name} trains DARTS cell pairs, got a ${genotype.space} genotype`);
    const pair = this.cells.fromGenotype(genotype);
    const rng = this.rng.fork(`cell ${this.cells.key(pair)}`);
    const net = buildNetwork(this.config.space, this.data, rng.fork('network'));
    const weights = dartsCellWeights(this.config.space, pair);
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
      disposeWeights(weights);
      net.dispose();
    }
  }

  dispose(): void {}
}

/** Scores DARTS cell pairs with a trained search network's shared weights on the same validation batches. */
export class DartsSupernetEvaluator implements Evaluator {
  readonly costUnit = 'queries' as const;

  constructor(
    readonly name: string,
    private readonly cells: DartsCells,
    private readonly space: unknown,
    private readonly net: DartsSupernet,
    private readonly valid: readonly Batch[],
  ) {}

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    if (genotype.space !== 'darts') throw new TypeError(`${this.name} scores DARTS cell pairs, got a ${genotype.space} genotype`);
    const weights = dartsCellWeights(this.space, this.cells.fromGenotype(genotype));
    try {
      // scoreBatches disposes what it scores: hand it clones (they share the kept batches' data)
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

/** Trains DARTS's search network with one uniformly sampled cell pair per step (RSWS), then answers the evaluator over it. */
export async function createDartsSupernetEvaluator(
  config: DartsSupernetEvaluatorConfig,
  resourcesDir: string,
  cells: DartsCells,
  rng: Rng,
  reporter: Reporter,
): Promise<DartsSupernetEvaluator> {
  const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
  const net = buildNetwork(config.space, data, rng.fork('network'));
  const started = performance.now();
  try {
    const trainer = new WeightTrainer(net, config);
    const batches = trainingBatches(data, config, rng.fork('batches'));
    const sampler = rng.fork('cells');
    reporter.log('info', `DARTS supernet: training ${config.supernetEpochs} epoch(s) of ${data.stepsPerEpoch} steps on ${data.train.length} ${data.data.name} images, one random cell pair per step`);
    try {
      for (let epoch = 0; epoch < config.supernetEpochs; epoch++) {
        const lr = cosineLearningRate(epoch, config.supernetEpochs, config.learningRate, config.learningRateMin);
        let loss = 0;
        for (let step = 0; step < data.stepsPerEpoch; step++) {
          const weights = dartsCellWeights(config.space, cells.sample(sampler));
          const batch = batches.next();
          try {
            loss += trainer.step(batch, () => weights, lr).loss;
          } finally {
            disposeWeights(weights);
            batch.x.dispose();
            batch.y.dispose();
          }
        }
        reporter.log('info', `DARTS supernet epoch ${epoch + 1}/${config.supernetEpochs}: loss ${(loss / data.stepsPerEpoch).toFixed(3)}`);
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
  reporter.log('info', `DARTS supernet trained in ${((performance.now() - started) / 1000).toFixed(1)} s; each query scores ${valid.length} validation batches (${held.length} images)`);
  return new DartsSupernetEvaluator(`darts-supernet:${data.data.name}:${config.supernetEpochs}ep`, cells, config.space, net, valid);
}
