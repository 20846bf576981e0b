import type { Rng } from '../../../../../src-shared/model/rng';
import { SparseInputMlp } from '../predictors/mlp';
import { PairwiseRanker, type RankedPair } from '../predictors/pairwise-ranker';
import type { CellSpace } from '../spaces/cell-space';
import type { PyramidCell } from './nosh';

/** Where NOSH's new cells come from: `count` cells not yet on the pyramid (fewer when none are left). */
export interface CellProposer<A> {
  propose(pyramid: readonly PyramidCell<A>[], count: number, rng: Rng): A[];
}

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

export interface RankerProposerOptions {
  hidden: readonly number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxPairs: number;
  numCandidates: number;
}

/**
 * The ordered pairs of the pyramid's partial results: two cells are compared at the highest
 * training level both reached (their accuracies after the same epochs), the better one first;
 * ties and the epoch-0 level give no pair. Indices are into `pyramid`.
 */
export function pyramidPairs<A>(pyramid: readonly PyramidCell<A>[]): RankedPair[] {
  const pairs: RankedPair[] = [];
  for (let i = 0; i < pyramid.length; i++) {
    for (let j = i + 1; j < pyramid.length; j++) {
      const level = Math.min(pyramid[i].level, pyramid[j].level);
      if (level < 1) continue;
      const a = pyramid[i].scores[level] as number;
      const b = pyramid[j].scores[level] as number;
      if (a > b) pairs.push({ better: i, worse: j });
      else if (b > a) pairs.push({ better: j, worse: i });
    }
  }
  return pairs;
}

/**
 * Rank-NOSH's proposer: a fresh pairwise ranker (MLP on the space's one-hot encoding) is fitted on
 * the pyramid's ordered pairs (at most `maxPairs`, drawn at random), then scores `numCandidates`
 * unseen cells, half one-edge mutations of the five best cells (highest level, then metric), half
 * uniform; the `count` best-scored are proposed. Before any pair exists the cells are uniform.
 */
export class RankerProposer<A> implements CellProposer<A> {
  constructor(
    private readonly space: CellSpace<A>,
    private readonly options: RankerProposerOptions,
  ) {}

  propose(pyramid: readonly PyramidCell<A>[], count: number, rng: Rng): A[] {
    let pairs = pyramidPairs(pyramid);
    const taken = new Set(pyramid.map((c) => c.key));
    if (pairs.length === 0) return unseen(this.space, taken, count, rng);
    if (pairs.length > this.options.maxPairs) pairs = rng.shuffle(pairs).slice(0, this.options.maxPairs);
    const ones = (arch: A): number[] => this.space.encode(arch).flatMap((bit, i) => (bit ? [i] : []));
    const inputs = this.space.encode(pyramid[0].arch).length;
    const ranker = new PairwiseRanker(new SparseInputMlp(inputs, this.options.hidden, rng));
    ranker.fit(pyramid.map((c) => ones(c.arch)), pairs, this.options, rng);

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
    const scores = pool.map((arch) => ranker.score(ones(arch)));
    const order = pool.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    return order.slice(0, count).map((i) => pool[i]);
  }
}
