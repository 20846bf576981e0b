import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';

/** The discrete cell spaces a black-box strategy can search. */
export type CellSpaceKind = 'nb201' | 'darts';

/**
 * A discrete cell space as the black-box strategies see it: draw a cell, change it a little, list
 * its one-step neighbours, encode it for a predictor, name it, and turn it into a genotype an
 * evaluator can build. `A` is the space's own representation (NB201: an integer index; DARTS: the
 * cell pair's `[op, input]` lists). A strategy states the kinds it supports (docs/blackbox.md).
 */
export interface CellSpace<A> {
  readonly kind: CellSpaceKind;
  /** How many cells the space holds (above 2^53 only approximately: only compared with budgets). */
  readonly size: number;
  /** A cell drawn uniformly from the space's own distribution (NASLib's `sample_random_architecture`). */
  sample(rng: Rng): A;
  /** A random cell one step away (NASLib's `mutate`). */
  mutate(arch: A, rng: Rng): A;
  /** Every cell one step away, in a fixed order. */
  neighbours(arch: A): A[];
  /** A fixed-length 0/1 vector (one-hot op per edge), a predictor's input. */
  encode(arch: A): number[];
  /** The cell's name: equal keys, equal cells (NB201: its arch string). */
  key(arch: A): string;
  toGenotype(arch: A): Genotype;
}

/**
 * A cell as a graph with ops on nodes, in topological order (the predictors' graph input): the edges
 * are `adj[from · n + to]` (directed, from earlier to later nodes), `types[i]` is node i's type.
 */
export interface CellGraph {
  types: number[];
  adj: Float64Array;
}
