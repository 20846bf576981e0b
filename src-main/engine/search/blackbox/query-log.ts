import type { StateReader, StateWriter } from '../../checkpoint/state';
import type { Reporter } from '../strategy';
import type { CellSpace } from './spaces/cell-space';
import type { Evaluation, Evaluator } from './evaluators/evaluator';

/** One evaluated cell; `A` is its space's representation (NB201: the cell index). */
export interface Queried<A = number> extends Evaluation {
  arch: A;
}

/**
 * Every evaluation a black-box run made, and its budget. A budget counts distinct architectures: a
 * re-query of a cell seen before is answered from this log, costs nothing and is not reported. Each
 * fresh query is reported as an `evaluation` artifact plus `search.best_val` / `search.best_test`
 * (the incumbent: the best metric so far, first found on ties, and its test figure).
 */
export class QueryLog<A = number> {
  /** Every queried cell by its space's key. */
  private readonly seen = new Map<string, Queried<A>>();
  private readonly order: A[] = [];
  private best: Queried<A> | null = null;

  constructor(
    readonly cells: CellSpace<A>,
    private readonly evaluator: Evaluator,
    private readonly reporter: Reporter,
    readonly budget: number,
  ) {
    if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`a query budget must be a positive integer, got ${budget}`);
  }

  /** The log owns its evaluator and frees it with itself. */
  dispose(): void {
    this.evaluator.dispose();
  }

  /** Queries made so far (distinct cells). */
  get used(): number {
    return this.order.length;
  }

  /** The budget, or the whole space when that is smaller: the number of fresh queries a run can make. */
  get limit(): number {
    return Math.min(this.budget, this.cells.size);
  }

  get exhausted(): boolean {
    return this.used >= this.limit;
  }

  get incumbent(): Queried<A> | null {
    return this.best;
  }

  /** The cells queried so far, in query order. */
  get history(): readonly A[] {
    return this.order;
  }

  has(arch: A): boolean {
    return this.seen.has(this.cells.key(arch));
  }

  get(arch: A): Queried<A> | undefined {
    return this.seen.get(this.cells.key(arch));
  }

  /** Every queried cell with its evaluation, in query order. */
  entries(): Queried<A>[] {
    return this.order.map((a) => this.get(a) as Queried<A>);
  }

  /** Every evaluation in query order (the incumbent follows from them). */
  saveState(out: StateWriter): void {
    out.json('entries', this.entries());
    out.json('best', this.best ? this.cells.key(this.best.arch) : null);
  }

  loadState(from: StateReader): void {
    const entries = from.json<Queried<A>[]>('entries');
    if (entries.length > this.limit) throw new Error(`checkpoint ${from.source} holds ${entries.length} queries, more than this run's ${this.limit}`);
    this.seen.clear();
    this.order.length = 0;
    for (const q of entries) {
      let key: string;
      try {
        key = this.cells.key(q.arch);
      } catch (error) {
        throw new Error(`checkpoint ${from.source} holds cell ${JSON.stringify(q.arch)}, not one of this ${this.cells.kind} space: ${(error as Error).message}`);
      }
      this.seen.set(key, q);
      this.order.push(q.arch);
    }
    const best = from.json<string | number | null>('best');
    // Checkpoints written before cells were keyed name the best by its NB201 index.
    this.best = best === null ? null : (this.seen.get(typeof best === 'number' ? this.cells.key(best as A) : best) ?? null);
  }

  async query(arch: A): Promise<{ result: Queried<A>; fresh: boolean }> {
    const key = this.cells.key(arch);
    const known = this.seen.get(key);
    if (known) return { result: known, fresh: false };
    if (this.exhausted) throw new Error(`the query budget of ${this.limit} is spent; a strategy must stop when the log is exhausted`);
    const genotype = this.cells.toGenotype(arch);
    const evaluation = await this.evaluator.evaluate(genotype, { index: this.order.length });
    const result: Queried<A> = { arch, ...evaluation };
    this.seen.set(key, result);
    this.order.push(arch);
    const step = this.order.length;
    const improved = this.best === null || result.metric > this.best.metric;
    if (improved) this.best = result;
    const inc = this.best as Queried<A>;
    this.reporter.artifact('evaluation', step, { arch: key, metric: result.metric, cost: result.cost, test: result.test, ...(result.placement ? { placement: result.placement } : {}) });
    this.reporter.metrics([
      { step, epoch: 0, key: 'search.best_val', value: inc.metric },
      ...(inc.test === undefined ? [] : [{ step, epoch: 0, key: 'search.best_test', value: inc.test }]),
    ]);
    if (improved) this.reporter.genotype(genotype, { step, epoch: 0, final: false });
    this.reporter.progress(step, this.limit);
    return { result, fresh: true };
  }
}
