import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng, RngState } from '../../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { Reporter, SearchStrategy, StepResult } from '../../strategy';
import type { QueryLog } from '../query-log';

/**
 * What every black-box strategy shares: one step is one fresh query of the log; the run ends when
 * the budget is spent, or when the strategy cannot find a cell it has not seen within
 * `freeMovesCap` cached (free) moves. The answer is the incumbent: the best metric queried.
 */
export abstract class BlackBoxStrategy<A = number> implements SearchStrategy {
  readonly totalSteps: number;
  private finished = false;
  /** Cached moves one step may make before the strategy is taken to be stuck. */
  protected readonly freeMovesCap: number;
  /** Cells ranked by a zero-cost proxy, best first (warm start); empty without one. */
  private warm: A[] = [];

  constructor(
    protected readonly log: QueryLog<A>,
    protected readonly rng: Rng,
    protected readonly reporter: Reporter,
    private readonly label: string,
  ) {
    this.totalSteps = log.limit;
    this.freeMovesCap = 10 * log.cells.size;
  }

  async step(): Promise<StepResult> {
    if (this.finished) return { done: true };
    if (!this.log.exhausted) {
      const before = this.log.used;
      await this.advance();
      if (this.log.used === before) {
        this.reporter.log('warn', `${this.label} found no unseen cell within ${this.freeMovesCap} cached moves; stopping after ${before} queries`);
        this.finish();
      } else if (this.log.used !== before + 1) {
        throw new Error(`${this.label} made ${this.log.used - before} queries in one step; a step is one query`);
      }
    }
    if (this.log.exhausted) this.finish();
    return { done: this.finished };
  }

  /**
   * Cells to query before the strategy's own first choices, best first (a zero-cost warm start).
   * Not checkpointed: the list is recomputed from the config, and the cells already queried are skipped.
   */
  setWarmStart(cells: readonly A[]): void {
    this.warm = [...cells];
  }

  /** The best warm-start cell not yet queried, or undefined when none is left. */
  protected nextWarm(): A | undefined {
    while (this.warm.length > 0) {
      const arch = this.warm.shift()!;
      if (!this.log.has(arch)) return arch;
    }
    return undefined;
  }

  genotype(): Genotype | null {
    const best = this.log.incumbent;
    return best ? this.log.cells.toGenotype(best.arch) : null;
  }

  /**
   * The query log, the random state and whether the run ended, plus the strategy's own state
   * (population, climb, queue). The evaluator is rebuilt from the config: the tabular one and the
   * training one hold nothing between queries, the supernet one is retrained the same from the seed.
   */
  saveState(out: StateWriter): void {
    out.json('finished', this.finished);
    out.json('rng', this.rng.getState());
    this.log.saveState(out.scope('log'));
    this.saveOwnState(out.scope('strategy'));
  }

  loadState(from: StateReader): void {
    this.finished = from.json<boolean>('finished');
    this.rng.setState(from.json<RngState>('rng'));
    this.log.loadState(from.scope('log'));
    this.loadOwnState(from.scope('strategy'));
  }

  dispose(): void {
    this.log.dispose();
  }

  /** Makes exactly one fresh query, or none when no unseen cell can be found. */
  protected abstract advance(): Promise<void>;
  /** What the next query of this strategy reads besides the log and the Rng. */
  protected abstract saveOwnState(out: StateWriter): void;
  protected abstract loadOwnState(from: StateReader): void;

  private finish(): void {
    this.finished = true;
    const best = this.genotype();
    if (best) this.reporter.genotype(best, { step: this.log.used, epoch: 0, final: true });
  }
}
