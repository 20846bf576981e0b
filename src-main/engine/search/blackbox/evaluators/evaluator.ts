import type { Genotype } from '../../../../../src-shared/model/genotype';

/** What one evaluation of an architecture found. */
export interface Evaluation {
  /** The search objective, higher is better (validation accuracy in %, for the tabular benchmark). */
  metric: number;
  /** What the evaluation cost, in the evaluator's `costUnit`. */
  cost: number;
  /**
   * The held-out figure reported for the architecture but never used to steer the search (test
   * accuracy in %). Absent when the evaluator has none (a supernet evaluation usually has none).
   */
  test?: number;
}

/**
 * How a black-box strategy learns how good an architecture is. Implementations: tabular lookup
 * (NAS-Bench-201, here), evaluation with a trained supernet's shared weights, short training. The
 * last two run TensorFlow.js, hence async; they hold tensors, hence `dispose`. An evaluator does not
 * cache: the run's query log does, so that every strategy counts queries the same way.
 */
export interface Evaluator {
  /** Shown in logs and stored with the run, e.g. `nb201-tabular:cifar10`. */
  readonly name: string;
  readonly costUnit: 'queries' | 'seconds' | 'epochs';
  evaluate(genotype: Genotype): Promise<Evaluation>;
  dispose(): void;
}
