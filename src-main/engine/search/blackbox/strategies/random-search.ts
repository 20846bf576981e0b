import type { Rng } from '../../../../../src-shared/model/rng';
import type { Reporter } from '../../strategy';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { CellSpaceKind } from '../spaces/cell-space';
import { BlackBoxStrategy } from './base';
import type { QueryLog } from '../query-log';

/** Random search: query cells drawn uniformly from the space, skipping cells already seen (after the warm-start cells, if any). */
export class RandomSearch<A = number> extends BlackBoxStrategy<A> {
  /** It only samples, which every cell space does. */
  static readonly spaces: readonly CellSpaceKind[] = ['nb201', 'darts'];

  constructor(log: QueryLog<A>, rng: Rng, reporter: Reporter) {
    super(log, rng, reporter, 'random search');
  }

  /** Random search keeps nothing besides the log and the Rng. */
  protected saveOwnState(): void {}
  protected loadOwnState(): void {}

  protected async advance(): Promise<void> {
    const warm = this.nextWarm();
    if (warm !== undefined) {
      await this.log.query(warm);
      return;
    }
    for (let move = 0; move < this.freeMovesCap; move++) {
      const arch = this.log.cells.sample(this.rng);
      if (!this.log.has(arch)) {
        await this.log.query(arch);
        return;
      }
    }
  }
}
