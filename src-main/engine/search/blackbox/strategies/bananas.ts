import type { Rng } from '../../../../../src-shared/model/rng';
import type { Reporter } from '../../strategy';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import { type Acquisition, acquire } from '../predictors/acquisition';
import type { CellSpaceKind } from '../spaces/cell-space';
import { Nb201Cells } from '../spaces/nb201-cells';
import { BlackBoxStrategy } from './base';
import { EnsemblePredictor, type PredictorOptions } from '../predictors/ensemble';
import type { QueryLog } from '../query-log';
import type { ProxyQuartileFeature } from '../proxy-feature';

export interface BananasOptions {
  /** Random cells queried before the first predictor is trained. */
  numInit: number;
  /** Cells chosen per iteration (BANANAS's iterative data selection: refit after every k). */
  batchSize: number;
  acquisition: Acquisition;
  /** `mutation`: one-edge mutations of the best cells so far; `random`: uniform samples. */
  candidates: 'mutation' | 'random';
  numCandidates: number;
  /** How many of the best cells the mutation candidates come from. */
  numArchesToMutate: number;
  predictor: PredictorOptions;
}

/**
 * BANANAS (White, Neiswanger and Savani, AAAI 2021), with NASLib's defaults: after `numInit` random
 * queries (the warm-start cells first, if any), repeat: train an ensemble predictor on every queried cell, generate candidates, score them
 * with the acquisition function, and query the best `batchSize` of them. Candidates exclude cells
 * already queried and repeat none (as the authors' naszilla code does); when mutation yields fewer
 * than `batchSize` of them, random unseen cells fill the batch up.
 */
export class Bananas extends BlackBoxStrategy<number> {
  /** Its predictors read NB201's path encoding and cell graph. */
  static readonly spaces: readonly CellSpaceKind[] = ['nb201'];
  private queue: number[] = [];
  private readonly predictor: EnsemblePredictor;

  constructor(
    log: QueryLog,
    rng: Rng,
    reporter: Reporter,
    private readonly options: BananasOptions,
    /** A zero-cost proxy as an extra predictor input; absent: the encoding alone. */
    private readonly proxyFeature?: ProxyQuartileFeature,
  ) {
    super(log, rng, reporter, 'BANANAS');
    for (const key of ['numInit', 'batchSize', 'numCandidates', 'numArchesToMutate'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new RangeError(`BANANAS ${key} must be a positive integer, got ${options[key]}`);
    }
    if (!(log.cells instanceof Nb201Cells)) throw new RangeError(`BANANAS searches the nb201 cell space only (its predictors read NB201's path encoding), not ${log.cells.kind}`);
    this.predictor = new EnsemblePredictor(log.cells, options.predictor, proxyFeature);
  }

  /**
   * The cells chosen but not yet queried. The predictor is not saved: it is trained afresh on the
   * whole log (its training data) before each use, and read nowhere else.
   */
  protected saveOwnState(out: StateWriter): void {
    out.json('queue', this.queue);
  }

  protected loadOwnState(from: StateReader): void {
    this.queue = from.json<number[]>('queue');
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

  /** The cells to query next, best acquisition value first. */
  private async nextBatch(): Promise<number[]> {
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
    return order.slice(0, this.options.batchSize).map((i) => candidates[i]);
  }

  override dispose(): void {
    this.proxyFeature?.dispose();
    super.dispose();
  }

  private candidates(): number[] {
    const { candidates, numCandidates, numArchesToMutate, batchSize } = this.options;
    const { cells } = this.log;
    const chosen = new Set<number>();
    if (candidates === 'mutation') {
      const parents = this.log
        .entries()
        .sort((a, b) => b.metric - a.metric)
        .slice(0, numArchesToMutate);
      const perParent = Math.floor(numCandidates / parents.length);
      for (const parent of parents) {
        for (let i = 0; i < perParent; i++) {
          const child = cells.mutate(parent.arch, this.rng);
          if (!this.log.has(child)) chosen.add(child);
        }
      }
    }
    const want = candidates === 'random' ? numCandidates : batchSize;
    while (chosen.size < want) {
      const arch = this.unseenSample(chosen);
      if (arch === null) break;
      chosen.add(arch);
    }
    return [...chosen];
  }

  private unseenSample(exclude: Set<number>): number | null {
    for (let move = 0; move < this.freeMovesCap; move++) {
      const arch = this.log.cells.sample(this.rng);
      if (!this.log.has(arch) && !exclude.has(arch)) return arch;
    }
    return null;
  }
}
