import { Rng } from '../../../../../src-shared/model/rng';
import { SparseInputMlp } from '../predictors/mlp';
import type { FlatNetwork } from '../predictors/network';
import { PairwiseRanker, type RankedPair } from '../predictors/pairwise-ranker';
import type { CellSpace } from '../spaces/cell-space';
import type { CellProposer, PyramidCell } from './nosh';


/** Draws up to `count` cells uniformly, skipping the keys in `taken` (and adding its picks to it). */
function unseen<A>(space: CellSpace<A>, taken: Set<string>, count: number, rng: Rng): A[] {
  const out: A[] = [];
  // A cap on draws, as the other strategies' free-move cap: only a tiny, nearly full space reaches it.
  for (let draw = 0; draw < 10 * Math.min(space.size, 1e6) && out.length < count; draw++) {
    const arch = space.sample(rng);
    const key = space.key(arch);
    if (!taken.has(key)) {
      taken.add(key);
      out.push(arch);
    }
  }
  return out;
}

/** NOSH's proposer: uniform cells, as random search draws them. */
export class RandomProposer<A> implements CellProposer<A> {
  constructor(private readonly space: CellSpace<A>) {}

  propose(pyramid: readonly PyramidCell<A>[], count: number, rng: Rng): A[] {
    return unseen(this.space, new Set(pyramid.map((c) => c.key)), count, rng);
  }
}

/** How the ranker sees a cell: a fresh scoring network, and the input it reads for a cell. */
export interface RankerEncoder<A, X = readonly number[]> {
  network(rng: Rng): FlatNetwork<X>;
  input(arch: A): X;
}

/** The sparse-input MLP on the space's one-hot encoding (the positions of its ones): any cell space. */
export function oneHotMlp<A>(space: CellSpace<A>, hidden: readonly number[]): RankerEncoder<A> {
  // Every cell's encoding has the same length: read it off any cell (a private Rng, not the run's).
  const inputs = space.encode(space.sample(new Rng(0))).length;
  return {
    network: (rng) => new SparseInputMlp(inputs, hidden, rng),
    input: (arch) => space.encode(arch).flatMap((bit, i) => (bit ? [i] : [])),
  };
}

export interface RankerProposerOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxPairs: number;
  numCandidates: number;
}

/** The better of two cells at the highest training level both reached, or null (a tie, or one untrained). */
function ordered<A>(pyramid: readonly PyramidCell<A>[], i: number, j: number): RankedPair | null {
  const level = Math.min(pyramid[i].level, pyramid[j].level);
  if (level < 1) return null;
  const a = pyramid[i].scores[level] as number;
  const b = pyramid[j].scores[level] as number;
  return a > b ? { better: i, worse: j } : b > a ? { better: j, worse: i } : null;
}

/**
 * The ordered pairs of the pyramid's partial results: two cells are compared at the highest
 * training level both reached (their accuracies after the same epochs), the better one first; ties
 * and the epoch-0 level give no pair. Indices are into `pyramid`. When the trained cells make more
 * than `maxPairs` pairs, `maxPairs` pairs of two different trained cells are drawn with replacement
 * instead (a pyramid of n cells has n(n−1)/2 pairs: too many to fit on after a few hundred cells).
 */
export function pyramidPairs<A>(pyramid: readonly PyramidCell<A>[], maxPairs: number, rng: Rng): RankedPair[] {
  const trained = pyramid.flatMap((c, i) => (c.level >= 1 ? [i] : []));
  const pairs: RankedPair[] = [];
  const push = (p: RankedPair | null) => p && pairs.push(p);
  if ((trained.length * (trained.length - 1)) / 2 <= maxPairs) {
    for (let a = 0; a < trained.length; a++) for (let b = a + 1; b < trained.length; b++) push(ordered(pyramid, trained[a], trained[b]));
  } else {
    for (let draw = 0; draw < maxPairs; draw++) {
      const a = rng.int(trained.length);
      const b = (a + 1 + rng.int(trained.length - 1)) % trained.length;
      push(ordered(pyramid, trained[a], trained[b]));
    }
  }
  return pairs;
}

/**
 * Rank-NOSH's proposer: a fresh pairwise ranker (the encoder's network) is fitted on
 * the pyramid's ordered pairs (`pyramidPairs`), then scores `numCandidates`
 * unseen cells, half one-edge mutations of the five best cells (highest level, then metric), half
 * uniform; the `count` best-scored are proposed. Before any pair exists the cells are uniform.
 */
export class RankerProposer<A, X = readonly number[]> implements CellProposer<A> {
  constructor(
    private readonly space: CellSpace<A>,
    private readonly encoder: RankerEncoder<A, X>,
    private readonly options: RankerProposerOptions,
  ) {}

  propose(pyramid: readonly PyramidCell<A>[], count: number, rng: Rng): A[] {
    const pairs = pyramidPairs(pyramid, this.options.maxPairs, rng);
    const taken = new Set(pyramid.map((c) => c.key));
    if (pairs.length === 0) return unseen(this.space, taken, count, rng);
    const { input } = this.encoder;
    const ranker = new PairwiseRanker(this.encoder.network(rng));
    ranker.fit(pyramid.map((c) => input(c.arch)), pairs, this.options, rng);

    const best = [...pyramid].sort((a, b) => b.level - a.level || (b.scores[b.level] ?? 0) - (a.scores[a.level] ?? 0)).slice(0, 5);
    const pool: A[] = [];
    const mutations = Math.floor(this.options.numCandidates / 2);
    for (let m = 0; m < 10 * mutations && pool.length < mutations; m++) {
      const child = this.space.mutate(best[m % best.length].arch, rng);
      const key = this.space.key(child);
      if (!taken.has(key)) {
        taken.add(key);
        pool.push(child);
      }
    }
    pool.push(...unseen(this.space, taken, this.options.numCandidates - pool.length, rng));
    const scores = pool.map((arch) => ranker.score(input(arch)));
    const order = pool.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    return order.slice(0, count).map((i) => pool[i]);
  }
}
