import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Placement } from '../../../../../src-shared/model/queue';

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
  /** Where it ran, when a queue's worker ran it (docs/queue.md); absent for a local evaluation. */
  placement?: Placement;
}

/** Which query of its run an evaluation answers: `index` counts from 0 in query order (the run's trial index). */
export interface QueryContext {
  index: number;
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
  /** `query` says which query of the run this is (the queue's idempotency key); local evaluators ignore it. */
  evaluate(genotype: Genotype, query?: QueryContext): Promise<Evaluation>;
  dispose(): void;
}
