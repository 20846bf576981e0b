import type { Rng } from '../../../../../src-shared/model/rng';
import type { Reporter } from '../../strategy';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { CellSpaceKind } from '../spaces/cell-space';
import { BlackBoxStrategy } from './base';
import type { Queried, QueryLog } from '../query-log';

export interface RegularizedEvolutionOptions {
  populationSize: number;
  sampleSize: number;
}

/**
 * Regularized (aging) evolution, Real et al. (AAAI 2019), as in NASLib's `RegularizedEvolution`:
 * fill a population of P random cells (the warm-start cells first, if any); then repeatedly draw S members with replacement, mutate one
 * edge of the best of them (first drawn on ties), append the child and drop the oldest member. Every
 * candidate joins the population, a cached one too (its re-query is free); a step ends at the first
 * fresh query.
 */
export class RegularizedEvolution<A = number> extends BlackBoxStrategy<A> {
  /** It samples and mutates, which every cell space does. */
  static readonly spaces: readonly CellSpaceKind[] = ['nb201', 'darts'];
  private readonly members: Queried<A>[] = [];

  constructor(
    log: QueryLog<A>,
    rng: Rng,
    reporter: Reporter,
    private readonly options: RegularizedEvolutionOptions,
  ) {
    super(log, rng, reporter, 'regularized evolution');
    const { populationSize, sampleSize } = options;
    if (!Number.isInteger(populationSize) || populationSize < 1) throw new RangeError(`populationSize must be a positive integer, got ${populationSize}`);
    if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new RangeError(`sampleSize must be a positive integer, got ${sampleSize}`);
  }

  /** The population, oldest first; each member a distinct object. */
  get population(): readonly Queried<A>[] {
    return this.members;
  }

  /** The population, oldest first. */
  protected saveOwnState(out: StateWriter): void {
    out.json('population', this.members);
  }

  protected loadOwnState(from: StateReader): void {
    this.members.splice(0, this.members.length, ...from.json<Queried<A>[]>('population'));
  }

  protected async advance(): Promise<void> {
    for (let move = 0; move < this.freeMovesCap; move++) {
      const arch = this.members.length < this.options.populationSize ? (this.nextWarm() ?? this.log.cells.sample(this.rng)) : this.child();
      const { result, fresh } = await this.log.query(arch);
      // a member is an individual: the same cell may live in the population twice
      this.members.push({ ...result });
      if (this.members.length > this.options.populationSize) this.members.shift();
      if (fresh) return;
    }
  }

  private child(): A {
    let parent: Queried<A> | null = null;
    for (let i = 0; i < this.options.sampleSize; i++) {
      const m = this.rng.pick(this.members);
      if (parent === null || m.metric > parent.metric) parent = m;
    }
    return this.log.cells.mutate((parent as Queried<A>).arch, this.rng);
  }
}
