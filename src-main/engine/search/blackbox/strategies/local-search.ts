import type { Rng } from '../../../../../src-shared/model/rng';
import type { Reporter } from '../../strategy';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { CellSpaceKind } from '../spaces/cell-space';
import { BlackBoxStrategy } from './base';
import type { Queried, QueryLog } from '../query-log';

/**
 * Local search as in White, Nolen and Savani, "Exploring the loss landscape in neural architecture
 * search" (UAI 2021), and NASLib's `LocalSearch`: start at a random cell, query all its one-edge
 * neighbours (in a random order), move to the best of them (first queried on ties) if it is strictly
 * better than the current cell, else restart at a new random cell. Neighbours seen before are read
 * from the log for free. Each (re)start and each move is reported as a `local-search.start` /
 * `local-search.move` artifact, so a run's climbs can be drawn and checked.
 */
export class LocalSearch<A = number> extends BlackBoxStrategy<A> {
  /** It samples and lists neighbours, which every cell space does. */
  static readonly spaces: readonly CellSpaceKind[] = ['nb201', 'darts'];
  private current: Queried<A> | null = null;
  private pending: A[] = [];
  private bestNeighbour: Queried<A> | null = null;

  constructor(log: QueryLog<A>, rng: Rng, reporter: Reporter) {
    super(log, rng, reporter, 'local search');
  }

  /** Where the climb is: the current cell, the neighbours still to query, the best one so far. */
  protected saveOwnState(out: StateWriter): void {
    out.json('climb', { current: this.current, pending: this.pending, bestNeighbour: this.bestNeighbour });
  }

  protected loadOwnState(from: StateReader): void {
    ({ current: this.current, pending: this.pending, bestNeighbour: this.bestNeighbour } = from.json<{
      current: Queried<A> | null;
      pending: A[];
      bestNeighbour: Queried<A> | null;
    }>('climb'));
  }

  protected async advance(): Promise<void> {
    for (let move = 0; move < this.freeMovesCap; move++) {
      if (this.current === null) {
        const start = this.log.cells.sample(this.rng);
        this.reporter.artifact('local-search.start', this.log.used, { arch: this.log.cells.key(start) });
        const { result, fresh } = await this.log.query(start);
        this.moveTo(result);
        if (fresh) return;
      } else if (this.pending.length > 0) {
        const { result, fresh } = await this.log.query(this.pending.shift() as A);
        if (this.bestNeighbour === null || result.metric > this.bestNeighbour.metric) this.bestNeighbour = result;
        if (fresh) return;
      } else if (this.bestNeighbour !== null && this.bestNeighbour.metric > this.current.metric) {
        const { cells } = this.log;
        this.reporter.artifact('local-search.move', this.log.used, {
          from: cells.key(this.current.arch),
          to: cells.key(this.bestNeighbour.arch),
        });
        this.moveTo(this.bestNeighbour);
      } else {
        this.current = null;
      }
    }
  }

  private moveTo(cell: Queried<A>): void {
    this.current = cell;
    this.pending = this.rng.shuffle(this.log.cells.neighbours(cell.arch));
    this.bestNeighbour = null;
  }
}
