import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng, RngState } from '../../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../../checkpoint/state';
import type { Reporter, SearchStrategy, StepResult } from '../../strategy';
import type { ResumableEvaluator } from '../evaluators/resumable';
import type { CellSpace } from '../spaces/cell-space';

/** Where NOSH's new cells come from: `count` cells not yet on the pyramid (fewer when none are left). See nosh-proposers.ts. */
export interface CellProposer<A> {
  propose(pyramid: readonly PyramidCell<A>[], count: number, rng: Rng): A[];
}

/**
 * A zero-cost score of a cell (higher is better, finite: it is checkpointed as JSON): the pyramid's
 * epoch-0 level. `dispose` frees what the scorer holds (a proxy scorer's minibatches) with the strategy.
 */
export type Level0Scorer<A> = ((arch: A) => Promise<number>) & { dispose?: () => void };

export interface NoshOptions<A> {
  /** Epochs at levels 1..K, increasing; the last is the evaluator's full training. */
  levels: readonly number[];
  /** Share of the cells that reached a level allowed above it. */
  promoteShare: number;
  /** New cells per round. */
  batch: number;
  /** Training budget in epochs: one step is one epoch of one cell. */
  budget: number;
  /** The epoch-0 level's score; null: every new cell goes on to level 1. */
  level0: Level0Scorer<A> | null;
  /** Where a round's new cells come from (random for NOSH, the pairwise ranker for Rank-NOSH). */
  proposer: CellProposer<A>;
}

/** One cell of the pyramid. `scores[k]` is its metric at level k (0: the zero-cost score, or null without one). */
export interface PyramidCell<A> {
  arch: A;
  key: string;
  /** The highest level reached; the cell is paused there unless it is the one in training. */
  level: number;
  /** Epochs trained so far. */
  epochs: number;
  scores: (number | null)[];
  /** Test accuracy at the top level, when the evaluator has one. */
  test?: number;
}

/**
 * NOSH, non-uniform successive halving (Wang et al., ICCV 2021). Cells sit on a pyramid of levels:
 * level 0 (a zero-cost score, no training) and levels 1..K (`levels[k-1]` epochs of training; K is
 * a full training). Unlike successive halving, rounds never close: new cells keep arriving at the
 * bottom and every level keeps its rule, "of the n cells that reached level k, the best
 * ⌊n·promoteShare⌋ by their level-k metric may be above it". When that quota grows, the best
 * paused cell at level k is resumed from its own training state and trained on to level k+1, so a
 * cell paused long ago can still climb. One step trains one cell one epoch. The next cell to train
 * is the one finishing its climb, else the best promotable cell of the highest level that has one
 * (full trainings come early), else a new round of `batch` cells from the proposer.
 *
 * The answer is the best cell of the highest level reached (first reached on ties).
 */
export class Nosh<A> implements SearchStrategy {
  readonly totalSteps: number;
  private cells: PyramidCell<A>[] = [];
  /** Index in `cells` of the cell climbing to its next level, or -1. */
  private climbing = -1;
  private spent = 0;
  private finished = false;
  private best: PyramidCell<A> | null = null;

  constructor(
    private readonly space: CellSpace<A>,
    private readonly evaluator: ResumableEvaluator<A>,
    private readonly rng: Rng,
    private readonly reporter: Reporter,
    private readonly options: NoshOptions<A>,
  ) {
    const { levels, promoteShare, batch, budget } = options;
    if (levels.length === 0 || levels.some((l, i) => !Number.isInteger(l) || l < 1 || (i > 0 && l <= levels[i - 1]))) {
      throw new RangeError(`NOSH levels must be increasing positive epoch counts, got [${levels.join(', ')}]`);
    }
    if (levels[levels.length - 1] !== evaluator.maxEpochs) {
      throw new RangeError(`NOSH's last level (${levels[levels.length - 1]} epochs) must be ${evaluator.name}'s full training, ${evaluator.maxEpochs} epochs`);
    }
    if (!(promoteShare > 0 && promoteShare < 1)) throw new RangeError(`promoteShare must be in (0, 1), got ${promoteShare}`);
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
    if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`the epoch budget must be a positive integer, got ${budget}`);
    this.totalSteps = budget;
  }

  /** The pyramid: every cell admitted, in admission order. */
  get pyramid(): readonly PyramidCell<A>[] {
    return this.cells;
  }

  /** Epochs trained so far, over all cells. */
  get epochsSpent(): number {
    return this.spent;
  }

  get incumbent(): PyramidCell<A> | null {
    return this.best;
  }

  async step(): Promise<StepResult> {
    if (this.finished) return { done: true };
    if (this.spent < this.options.budget && this.climbing < 0) this.climbing = await this.nextClimber();
    if (this.spent >= this.options.budget || this.climbing < 0) {
      if (this.climbing < 0) this.reporter.log('warn', `NOSH found no cell to train and no unseen cell to add; stopping after ${this.spent} epochs`);
      this.finish();
      return { done: true };
    }
    const cell = this.cells[this.climbing];
    await this.evaluator.trainEpoch(cell.arch, cell.epochs);
    cell.epochs++;
    this.spent++;
    if (cell.epochs === this.options.levels[cell.level]) await this.reachLevel(cell, cell.level + 1);
    this.reporter.progress(this.spent, this.options.budget);
    if (this.spent >= this.options.budget) this.finish();
    return { done: this.finished };
  }

  genotype(): Genotype | null {
    return this.best ? this.space.toGenotype(this.best.arch) : null;
  }

  /** The pyramid, the climbing cell, epochs spent, the Rng and the evaluator's paused trainings. */
  saveState(out: StateWriter): void {
    out.json('pyramid', { cells: this.cells, climbing: this.climbing, spent: this.spent, finished: this.finished, best: this.best?.key ?? null });
    out.json('rng', this.rng.getState());
    this.evaluator.saveState(out.scope('evaluator'));
  }

  loadState(from: StateReader): void {
    const saved = from.json<{ cells: PyramidCell<A>[]; climbing: number; spent: number; finished: boolean; best: string | null }>('pyramid');
    if (saved.spent > this.options.budget) throw new Error(`checkpoint ${from.source} has spent ${saved.spent} epochs, more than this run's budget of ${this.options.budget}`);
    ({ cells: this.cells, climbing: this.climbing, spent: this.spent, finished: this.finished } = saved);
    this.best = this.cells.find((c) => c.key === saved.best) ?? null;
    this.rng.setState(from.json<RngState>('rng'));
    this.evaluator.loadState(from.scope('evaluator'));
  }

  dispose(): void {
    this.evaluator.dispose();
    this.options.level0?.dispose?.();
  }

  /** The index of the cell to train next, admitting a new round when no cell may climb; -1: none left. */
  private async nextClimber(): Promise<number> {
    let next = this.promotable();
    if (next < 0) {
      await this.admit(this.options.proposer.propose(this.cells, this.options.batch, this.rng));
      next = this.promotable();
    }
    return next;
  }

  /** The best paused cell of the highest level whose quota has room, or -1. */
  private promotable(): number {
    const top = this.options.levels.length;
    for (let k = top - 1; k >= 0; k--) {
      const reached = this.cells.filter((c) => c.level >= k).length;
      const above = this.cells.filter((c) => c.level > k).length;
      const quota = k === 0 && this.options.level0 === null ? reached : Math.floor(reached * this.options.promoteShare);
      if (above >= quota) continue;
      let pick = -1;
      this.cells.forEach((c, i) => {
        if (c.level !== k) return;
        // Without a level-0 score, cells go on in admission order; otherwise best first, earliest on ties.
        if (pick < 0 || (c.scores[k] ?? 0) > (this.cells[pick].scores[k] ?? 0)) pick = i;
      });
      if (pick >= 0) return pick;
    }
    return -1;
  }

  private async admit(archs: readonly A[]): Promise<void> {
    for (const arch of archs) {
      const key = this.space.key(arch);
      if (this.cells.some((c) => c.key === key)) throw new Error(`NOSH's proposer offered cell ${key} twice`);
      const score = this.options.level0 ? await this.options.level0(arch) : null;
      const cell: PyramidCell<A> = { arch, key, level: 0, epochs: 0, scores: [score] };
      this.cells.push(cell);
      this.reporter.artifact('nosh.level', this.spent, { arch: key, level: 0, epochs: 0, metric: score });
    }
  }

  private async reachLevel(cell: PyramidCell<A>, level: number): Promise<void> {
    const { metric, test } = await this.evaluator.score(cell.arch, cell.epochs);
    cell.level = level;
    cell.scores.push(metric);
    if (test !== undefined) cell.test = test;
    this.climbing = -1;
    const top = level === this.options.levels.length;
    if (top) this.evaluator.release(cell.arch);
    this.reporter.artifact('nosh.level', this.spent, { arch: cell.key, level, epochs: cell.epochs, metric, test });
    const best = this.best;
    if (best === null || level > best.level || (level === best.level && metric > (best.scores[level] as number))) {
      this.best = cell;
      this.reporter.genotype(this.space.toGenotype(cell.arch), { step: this.spent, epoch: 0, final: false });
    }
    const inc = this.best as PyramidCell<A>;
    this.reporter.metrics([
      { step: this.spent, epoch: 0, key: 'nosh.best_level', value: inc.level },
      { step: this.spent, epoch: 0, key: 'search.best_val', value: inc.scores[inc.level] as number },
      ...(inc.test === undefined ? [] : [{ step: this.spent, epoch: 0, key: 'search.best_test', value: inc.test }]),
    ]);
  }

  private finish(): void {
    this.finished = true;
    const best = this.genotype();
    if (best) this.reporter.genotype(best, { step: this.spent, epoch: 0, final: true });
  }
}
