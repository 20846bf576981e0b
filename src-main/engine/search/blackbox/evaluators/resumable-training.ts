import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng, RngState } from '../../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { BatchIterator } from '../../../data/batches';
import { orderedBatches } from '../../../data/batches';
import { scoreBatches } from '../../../evaluate/classification';
import { cosineLearningRate } from '../../../optim/optimizers';
import type { CellWeights, Supernet } from '../../../supernet/types';
import type { OneShotCommon } from '../../../../../src-shared/model/algorithms/one-shot';
import { WeightTrainer } from '../../oneshot/weight-trainer';
import { trainingBatches, type ImageDataSetup, type TrainingData } from './nb201-training';
import type { CellNetworkRecipe, PartialResult, ResumableEvaluator } from './resumable';

/** The training recipe's fields: both spaces' short-training evaluators have them. */
export type CellTrainingSetup = ImageDataSetup & Pick<OneShotCommon, 'momentum' | 'weightDecay' | 'gradClip'> & { epochs: number; learningRate: number };

/** A cell's training in progress: its network, momentum buffers and place in its batch stream. */
interface Training<A> {
  arch: A;
  epochs: number;
  net: Supernet;
  weights: CellWeights;
  trainer: WeightTrainer;
  batches: BatchIterator;
}

/**
 * Training from scratch that pauses and resumes (NOSH's evaluator, and the one-go training
 * evaluators' engine): a fresh network per cell from forks of the rng named by the cell's key,
 * trained one epoch per call and kept between calls, with the cosine learning rate running over
 * `config.epochs` (the full budget) whatever epoch a cell stops at. So a cell trained to
 * `config.epochs` in any number of pieces, with a save and load between them, ends with the weights
 * it gets in one go. Each paused cell holds its network in memory until released, and is written
 * with the saved state.
 */
export class ResumableTrainingEvaluator<A, G extends Genotype = Genotype> implements ResumableEvaluator<A> {
  readonly maxEpochs: number;
  private readonly trainings = new Map<string, Training<A>>();

  constructor(
    readonly name: string,
    readonly recipe: CellNetworkRecipe<A, G>,
    private readonly config: CellTrainingSetup,
    private readonly data: TrainingData,
    private readonly rng: Rng,
  ) {
    this.maxEpochs = config.epochs;
  }

  async trainEpoch(arch: A, done: number): Promise<void> {
    const key = this.recipe.key(arch);
    const training = done === 0 && !this.trainings.has(key) ? this.start(arch) : this.paused(arch, done);
    if (done >= this.maxEpochs) throw new Error(`${this.name}: cell ${key} is already trained the full ${this.maxEpochs} epochs`);
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
      // A queue worker renews its job's lock between steps: a long training must not look dead.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    training.epochs = done + 1;
  }

  async score(arch: A, done: number): Promise<PartialResult> {
    const { net, weights } = this.paused(arch, done);
    const { train, shape, normalization } = this.data.data;
    const result = await scoreBatches((x) => net.forward(x, weights), orderedBatches(train, shape, normalization, this.config.batchSize, this.data.valid));
    return { metric: 100 * result.acc };
  }

  /** The full training in one go, scored, its state released: what a one-go training evaluator answers. */
  async trainFully(arch: A): Promise<PartialResult> {
    try {
      for (let done = 0; done < this.maxEpochs; done++) await this.trainEpoch(arch, done);
      return await this.score(arch, this.maxEpochs);
    } finally {
      this.release(arch);
    }
  }

  release(arch: A): void {
    const key = this.recipe.key(arch);
    const training = this.trainings.get(key);
    if (training) this.free(training);
    this.trainings.delete(key);
  }

  /** Every paused cell: the cell, epochs trained, weights, momentum buffers, batch stream, noise draws. */
  saveState(out: StateWriter): void {
    const paused = [...this.trainings.values()];
    out.json('cells', paused.map((t) => ({ arch: t.arch, epochs: t.epochs })));
    paused.forEach((t, i) => {
      const scope = out.scope(`cell-${i}`);
      t.net.params.saveState(scope.scope('net'));
      scope.json('noise', t.net.noise.getState());
      t.trainer.saveState(scope.scope('sgd'));
      t.batches.saveState(scope.scope('batches'));
    });
  }

  loadState(from: StateReader): void {
    this.dispose();
    from.json<{ arch: A; epochs: number }[]>('cells').forEach(({ arch, epochs }, i) => {
      const t = this.start(arch);
      const scope = from.scope(`cell-${i}`);
      t.net.params.loadState(scope.scope('net'));
      t.net.noise.setState(scope.json<RngState>('noise'));
      t.trainer.loadState(scope.scope('sgd'));
      t.batches.loadState(scope.scope('batches'));
      t.epochs = epochs;
    });
  }

  dispose(): void {
    for (const t of this.trainings.values()) this.free(t);
    this.trainings.clear();
  }

  private start(arch: A): Training<A> {
    const rng = this.rng.fork(`cell ${this.recipe.key(arch)}`);
    const { net, weights } = this.recipe.build(arch, rng.fork('network'));
    const training: Training<A> = { arch, epochs: 0, net, weights, trainer: new WeightTrainer(net, this.config), batches: trainingBatches(this.data, this.config, rng.fork('batches')) };
    this.trainings.set(this.recipe.key(arch), training);
    return training;
  }

  private paused(arch: A, done: number): Training<A> {
    const key = this.recipe.key(arch);
    const training = this.trainings.get(key);
    const had = training?.epochs ?? 0;
    if (!training || had !== done) throw new Error(`${this.name}: cell ${key} has been trained ${had} epochs here, not ${done}`);
    return training;
  }

  private free(t: Training<A>): void {
    t.trainer.dispose();
    t.weights.normal?.weights.dispose();
    t.weights.reduce?.weights.dispose();
    t.net.dispose();
  }
}
