import type { BananasPredictorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { Reporter } from '../../strategy';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import { type Acquisition, acquire } from '../predictors/acquisition';
import type { Predictor } from '../predictors/predictor';
import { createPredictor } from '../predictors/registry';
import type { CellSpaceKind } from '../spaces/cell-space';
import { BlackBoxStrategy } from './base';
import type { QueryLog } from '../query-log';
import type { ProxyQuartileFeature } from '../proxy-feature';

export interface BananasOptions {
  /** Random cells queried before the first predictor is trained. */
  numInit: number;
  /** Cells chosen per iteration (iterative data selection: the predictor is refitted after every k). */
  batchSize: number;
  /**
   * Share of each batch taken by acquisition value; the rest is drawn uniformly from the other
   * candidates (BRP-NAS's iterative data selection, Dudziak et al. NeurIPS 2020, mixes exploitation
   * and random picks this way). 1: BANANAS's plain top-k.
   */
  exploitFraction: number;
  acquisition: Acquisition;
  /** `mutation`: one-step mutations of the best cells so far; `random`: uniform samples. */
  candidates: 'mutation' | 'random';
  numCandidates: number;
  /** How many of the best cells the mutation candidates come from. */
  numArchesToMutate: number;
  predictor: BananasPredictorConfig;
}

/**
 * BANANAS (White, Neiswanger and Savani, AAAI 2021), with NASLib's defaults: after `numInit` random
 * queries (the warm-start cells first, if any), repeat: fit the predictor (any of the registry's: the MLP or GCN ensemble, the GP,
 * arch2vec) on every queried cell, generate candidates, score them with the acquisition function,
 * and query `batchSize` of them. Candidates exclude cells already queried and repeat none (as the
 * authors' naszilla code does); when mutation yields fewer than `batchSize` of them, random unseen
 * cells fill the batch up. Works in every cell space the predictors read (NB201's and DARTS's).
 */
export class Bananas<A = number> extends BlackBoxStrategy<A> {
  static readonly spaces: readonly CellSpaceKind[] = ['nb201', 'darts'];
  private queue: A[] = [];
  private readonly predictor: Predictor<A>;

  constructor(
    log: QueryLog<A>,
    rng: Rng,
    reporter: Reporter,
    private readonly options: BananasOptions,
    /** A zero-cost proxy's quartile as extra predictor inputs (Abdelfattah et al., ICLR 2021); absent: the encoding alone. */
    private readonly proxyFeature?: ProxyQuartileFeature<A>,
  ) {
    super(log, rng, reporter, 'BANANAS');
    for (const key of ['numInit', 'batchSize', 'numCandidates', 'numArchesToMutate'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new RangeError(`BANANAS ${key} must be a positive integer, got ${options[key]}`);
    }
    if (!(options.exploitFraction > 0 && options.exploitFraction <= 1)) throw new RangeError(`BANANAS exploitFraction must be in (0, 1], got ${options.exploitFraction}`);
    this.predictor = createPredictor(log.cells, options.predictor, proxyFeature);
  }

  /**
   * The cells chosen but not yet queried. The predictor is not saved: it is trained afresh on the
   * whole log (its training data) before each use, and read nowhere else; arch2vec's pretraining
   * draws from a fork of the seed, so a resumed run pretrains the same.
   */
  protected saveOwnState(out: StateWriter): void {
    out.json('queue', this.queue);
  }

  protected loadOwnState(from: StateReader): void {
    this.queue = from.json<A[]>('queue');
  }

  override dispose(): void {
    this.predictor.dispose();
    this.proxyFeature?.dispose();
    super.dispose();
  }

  protected async advance(): Promise<void> {
    if (this.log.used < this.options.numInit) {
      const arch = this.nextWarm() ?? this.unseenSample(new Set());
      if (arch !== null) await this.log.query(arch);
      return;
    }
    this.queue = this.queue.filter((a) => !this.log.has(a));
    if (this.queue.length === 0) this.queue = await this.nextBatch();
    const arch = this.queue.shift();
    if (arch !== undefined) await this.log.query(arch);
  }

  /** The cells to query next: the exploited ones best acquisition value first, then the random picks. */
  private async nextBatch(): Promise<A[]> {
    const done = this.log.entries();
    const fitted = done.map((q) => q.arch);
    await this.proxyFeature?.prepare(fitted, []);
    this.predictor.fit(
      fitted,
      done.map((q) => q.metric),
      this.rng,
    );
    const candidates = this.candidates();
    await this.proxyFeature?.prepare(fitted, candidates);
    const best = (this.log.incumbent ?? done[0]).metric;
    const scores = acquire(this.options.acquisition, this.predictor.predict(candidates), best, this.rng);
    const order = candidates.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    const { batchSize, exploitFraction } = this.options;
    const exploit = Math.max(1, Math.round(exploitFraction * batchSize));
    if (exploit >= batchSize) return order.slice(0, batchSize).map((i) => candidates[i]);
    const rest = this.rng.shuffle(order.slice(exploit));
    return [...order.slice(0, exploit), ...rest.slice(0, batchSize - exploit)].map((i) => candidates[i]);
  }

  private candidates(): A[] {
    const { candidates, numCandidates, numArchesToMutate, batchSize } = this.options;
    const { cells } = this.log;
    const chosen = new Map<string, A>();
    if (candidates === 'mutation') {
      const parents = this.log
        .entries()
        .sort((a, b) => b.metric - a.metric)
        .slice(0, numArchesToMutate);
      const perParent = Math.floor(numCandidates / parents.length);
      for (const parent of parents) {
        for (let i = 0; i < perParent; i++) {
          const child = cells.mutate(parent.arch, this.rng);
          if (!this.log.has(child)) chosen.set(cells.key(child), child);
        }
      }
    }
    const want = candidates === 'random' ? numCandidates : batchSize;
    while (chosen.size < want) {
      const arch = this.unseenSample(new Set(chosen.keys()));
      if (arch === null) break;
      chosen.set(cells.key(arch), arch);
    }
    return [...chosen.values()];
  }

  private unseenSample(exclude: Set<string>): A | null {
    for (let move = 0; move < this.freeMovesCap; move++) {
      const arch = this.log.cells.sample(this.rng);
      if (!this.log.has(arch) && !exclude.has(this.log.cells.key(arch))) return arch;
    }
    return null;
  }
}
