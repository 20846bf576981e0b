import type { Nb201TrainingEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Rng, RngState } from '../../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { BatchIterator } from '../../../data/batches';
import { orderedBatches } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import type { Nb201Supernet } from '../../../supernet/nb201-network';
import type { CellWeights } from '../../../supernet/types';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import type { Nb201Cells } from '../spaces/nb201-cells';
import { buildNetwork, cellWeights, trainingBatches, type TrainingData } from './nb201-training';
import type { PartialResult, ResumableEvaluator } from './resumable';

/** A cell's training in progress: its network, momentum buffers and place in its batch stream. */
interface Training {
  epochs: number;
  net: Nb201Supernet;
  weights: CellWeights;
  trainer: WeightTrainer;
  batches: BatchIterator;
}

/**
 * Training from scratch that pauses and resumes (NOSH's evaluator): the same network, forks of the
 * rng named by the arch string and recipe as `TrainingEvaluator`, but trained one epoch per call and
 * kept between calls, with the cosine learning rate running over `config.epochs` (the full budget)
 * whatever epoch a cell stops at. So a cell trained to `config.epochs` in any number of pieces, with
 * a save and load between them, ends with the weights `TrainingEvaluator` gives it in one go. Each
 * paused cell holds its network in memory until released, and is written with the saved state.
 */
export class ResumableTrainingEvaluator implements ResumableEvaluator<number> {
  readonly name: string;
  readonly maxEpochs: number;
  private readonly trainings = new Map<number, Training>();

  constructor(
    private readonly config: Nb201TrainingEvaluatorConfig,
    private readonly cells: Nb201Cells,
    private readonly data: TrainingData,
    private readonly rng: Rng,
  ) {
    this.name = `nb201-train:${data.data.name}:${config.epochs}ep (resumable)`;
    this.maxEpochs = config.epochs;
  }

  async trainEpoch(arch: number, done: number): Promise<void> {
    const training = done === 0 && !this.trainings.has(arch) ? this.start(arch) : this.paused(arch, done);
    if (done >= this.maxEpochs) throw new Error(`${this.name}: cell ${this.cells.key(arch)} is already trained the full ${this.maxEpochs} epochs`);
    const { stepsPerEpoch } = this.data;
    const steps = this.maxEpochs * stepsPerEpoch;
    for (let i = 0; i < stepsPerEpoch; i++) {
      const step = done * stepsPerEpoch + i;
      const batch = training.batches.next();
      try {
        training.trainer.step(batch, () => training.weights, cosineLearningRate(step, steps, this.config.learningRate, 0));
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
    training.epochs = done + 1;
  }

  async score(arch: number, done: number): Promise<PartialResult> {
    const { net, weights } = this.paused(arch, done);
    const { train, shape, normalization } = this.data.data;
    const result = await scoreBatches((x) => net.forward(x, weights), orderedBatches(train, shape, normalization, this.config.batchSize, this.data.valid));
    return { metric: 100 * result.acc };
  }

  release(arch: number): void {
    const training = this.trainings.get(arch);
    if (training) this.free(training);
    this.trainings.delete(arch);
  }

  /** Every paused cell: epochs trained, weights, momentum buffers, batch stream, noise draws. */
  saveState(out: StateWriter): void {
    const archs = [...this.trainings.keys()];
    out.json('cells', archs.map((arch) => ({ arch, epochs: (this.trainings.get(arch) as Training).epochs })));
    for (const arch of archs) {
      const t = this.trainings.get(arch) as Training;
      const scope = out.scope(`cell-${arch}`);
      t.net.params.saveState(scope.scope('net'));
      scope.json('noise', t.net.noise.getState());
      t.trainer.saveState(scope.scope('sgd'));
      t.batches.saveState(scope.scope('batches'));
    }
  }

  loadState(from: StateReader): void {
    for (const arch of [...this.trainings.keys()]) this.release(arch);
    for (const { arch, epochs } of from.json<{ arch: number; epochs: number }[]>('cells')) {
      const t = this.start(arch);
      const scope = from.scope(`cell-${arch}`);
      t.net.params.loadState(scope.scope('net'));
      t.net.noise.setState(scope.json<RngState>('noise'));
      t.trainer.loadState(scope.scope('sgd'));
      t.batches.loadState(scope.scope('batches'));
      t.epochs = epochs;
    }
  }

  dispose(): void {
    for (const arch of [...this.trainings.keys()]) this.release(arch);
  }

  /** A fresh network of the cell, built exactly as `TrainingEvaluator` builds it. */
  private start(arch: number): Training {
    const edgeOps = this.cells.edgeOps(arch).map((d) => this.cells.ops[d]);
    // Only the cell's own ops get weights, as in TrainingEvaluator.
    const ops = this.cells.ops.filter((op) => edgeOps.includes(op));
    const rng = this.rng.fork(`cell ${this.cells.key(arch)}`);
    const net = buildNetwork(ops, this.config, this.data, rng.fork('network'));
    const weights = cellWeights(edgeOps.map((op) => ops.indexOf(op)), ops.length);
    const training: Training = { epochs: 0, net, weights, trainer: new WeightTrainer(net, this.config), batches: trainingBatches(this.data, this.config, rng.fork('batches')) };
    this.trainings.set(arch, training);
    return training;
  }

  private paused(arch: number, done: number): Training {
    const training = this.trainings.get(arch);
    const had = training?.epochs ?? 0;
    if (!training || had !== done) throw new Error(`${this.name}: cell ${this.cells.key(arch)} has been trained ${had} epochs here, not ${done}`);
    return training;
  }

  private free(t: Training): void {
    t.trainer.dispose();
    t.weights.normal?.weights.dispose();
    t.net.dispose();
  }
}
