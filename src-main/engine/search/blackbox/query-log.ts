import type { StateReader, StateWriter } from '../../checkpoint/state';
import type { Reporter } from '../strategy';
import type { Nb201Cells } from './spaces/nb201-cells';
import type { Evaluation, Evaluator } from './evaluators/evaluator';

export interface Queried extends Evaluation {
  arch: number;
}

/**
 * Every evaluation a black-box run made, and its budget. A budget counts distinct architectures: a
 * re-query of a cell seen before is answered from this log, costs nothing and is not reported. Each
 * fresh query is reported as an `evaluation` artifact plus `search.best_val` / `search.best_test`
 * (the incumbent: the best metric so far, first found on ties, and its test figure).
 */
export class QueryLog {
  private readonly seen = new Map<number, Queried>();
  private readonly order: number[] = [];
  private best: Queried | null = null;

  constructor(
    readonly cells: Nb201Cells,
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

  get incumbent(): Queried | null {
    return this.best;
  }

  /** The cells queried so far, in query order. */
  get history(): readonly number[] {
    return this.order;
  }

  has(arch: number): boolean {
    return this.seen.has(arch);
  }

  get(arch: number): Queried | undefined {
    return this.seen.get(arch);
  }

  /** Every queried cell with its evaluation, in query order. */
  entries(): Queried[] {
    return this.order.map((a) => this.seen.get(a) as Queried);
  }

  /** Every evaluation in query order (the incumbent follows from them). */
  saveState(out: StateWriter): void {
    out.json('entries', this.entries());
    out.json('best', this.best?.arch ?? null);
  }

  loadState(from: StateReader): void {
    const entries = from.json<Queried[]>('entries');
    if (entries.length > this.limit) throw new Error(`checkpoint ${from.source} holds ${entries.length} queries, more than this run's ${this.limit}`);
    this.seen.clear();
    this.order.length = 0;
    for (const q of entries) {
      if (!Number.isInteger(q.arch) || q.arch < 0 || q.arch >= this.cells.size) throw new Error(`checkpoint ${from.source} holds cell ${q.arch}, outside this space of ${this.cells.size}`);
      this.seen.set(q.arch, q);
      this.order.push(q.arch);
    }
    const best = from.json<number | null>('best');
    this.best = best === null ? null : (this.seen.get(best) ?? null);
  }

  async query(arch: number): Promise<{ result: Queried; fresh: boolean }> {
    const known = this.seen.get(arch);
    if (known) return { result: known, fresh: false };
    if (this.exhausted) throw new Error(`the query budget of ${this.limit} is spent; a strategy must stop when the log is exhausted`);
    const genotype = this.cells.toGenotype(arch);
    const evaluation = await this.evaluator.evaluate(genotype);
    const result: Queried = { arch, ...evaluation };
    this.seen.set(arch, result);
    this.order.push(arch);
    const step = this.order.length;
    const improved = this.best === null || result.metric > this.best.metric;
    if (improved) this.best = result;
    const inc = this.best as Queried;
    this.reporter.artifact('evaluation', step, { arch: genotype.arch, metric: result.metric, cost: result.cost, test: result.test });
    this.reporter.metrics([
      { step, epoch: 0, key: 'search.best_val', value: inc.metric },
      ...(inc.test === undefined ? [] : [{ step, epoch: 0, key: 'search.best_test', value: inc.test }]),
    ]);
    if (improved) this.reporter.genotype(genotype, { step, epoch: 0, final: false });
    this.reporter.progress(step, this.limit);
    return { result, fresh: true };
  }
}
