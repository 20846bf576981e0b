import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { CellWeights, Supernet } from '../../../supernet/types';
import type { StateReader, StateWriter } from '../../../checkpoint/state';

/** A cell's figures after some epochs of training. */
export interface PartialResult {
  /** Validation accuracy (%) after the epochs trained so far: what steers the search. */
  metric: number;
  /** Test accuracy (%), when the evaluator has one for this budget; only reported. */
  test?: number;
}

/**
 * An evaluator whose trainings can pause and continue, for multi-fidelity search (NOSH): a cell is
 * trained one epoch at a time from where it stopped, so budgets are counted in epochs exactly and a
 * cell trained 1 + 2 epochs is the cell trained 3. A paused cell's training state (weights,
 * optimizer, batch position) stays with the evaluator and is part of its saved state, so a killed
 * run resumes bit-exact. All trainings share one schedule over `maxEpochs` (the learning rate of
 * epoch e does not depend on where a cell will stop), as NOSH needs for a paused cell to resume.
 */
export interface ResumableEvaluator<A> {
  readonly name: string;
  /** Epochs of one full training: the top of the pyramid. */
  readonly maxEpochs: number;
  /** Trains `arch` one more epoch; `done` is the epochs it has had (0: a fresh network). */
  trainEpoch(arch: A, done: number): Promise<void>;
  /** The cell as trained so far (`done` epochs). */
  score(arch: A, done: number): Promise<PartialResult>;
  /** Forgets a cell's training state (a cell at the top level is never resumed). */
  release(arch: A): void;
  saveState(out: StateWriter): void;
  loadState(from: StateReader): void;
  dispose(): void;
}

/**
 * How a space's cell becomes a network that computes exactly that cell: the network (holding only
 * the weights the cell needs) and its fixed one-hot edge weights. NB201's recipe is in
 * nb201-training.ts, DARTS's in darts-evaluators.ts; `ResumableTrainingEvaluator` trains through it.
 */
export interface CellNetworkRecipe<A, G extends Genotype = Genotype> {
  /** The genotype space this recipe trains, for the error when another one is handed in. */
  readonly space: G['space'];
  fromGenotype(genotype: G): A;
  /** The cell's name: it names the rng forks, so a cell's training does not depend on what came before it. */
  key(arch: A): string;
  /** A fresh network of the cell, initialised from `rng`; the caller disposes both. */
  build(arch: A, rng: Rng): { net: Supernet; weights: CellWeights };
}

