import type { StateReader, StateWriter } from '../../../checkpoint/state';
import { Rng } from '../../../../../src-shared/model/rng';
import type { CellSpace } from '../spaces/cell-space';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { LookupTable } from './tabular-evaluator';
import type { PartialResult, ResumableEvaluator } from './resumable';

/** A cell's figures after each number of epochs 1..maxEpochs: a table of learning curves. */
export type LearningCurve<A> = (arch: A, epochs: number) => PartialResult;

/**
 * Training by lookup in a table of learning curves: an epoch costs nothing to compute, the score
 * after `done` epochs is the curve's value there. It checks that each cell is trained one epoch at a
 * time from where it stopped, so a strategy's epoch accounting is checked too.
 */
export class CurveEvaluator<A> implements ResumableEvaluator<A> {
  private readonly trained = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly cells: CellSpace<A>,
    readonly maxEpochs: number,
    private readonly curve: LearningCurve<A>,
  ) {
    if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`${name}: maxEpochs must be a positive integer, got ${maxEpochs}`);
  }

  async trainEpoch(arch: A, done: number): Promise<void> {
    const key = this.cells.key(arch);
    const had = this.trained.get(key) ?? 0;
    if (had !== done) throw new Error(`${this.name}: cell ${key} has been trained ${had} epochs, not ${done}`);
    if (done >= this.maxEpochs) throw new Error(`${this.name}: cell ${key} is already trained the full ${this.maxEpochs} epochs`);
    this.trained.set(key, done + 1);
  }

  async score(arch: A, done: number): Promise<PartialResult> {
    const key = this.cells.key(arch);
    if ((this.trained.get(key) ?? 0) !== done) throw new Error(`${this.name}: cell ${key} has been trained ${this.trained.get(key) ?? 0} epochs, not ${done}`);
    return this.curve(arch, done);
  }

  release(arch: A): void {
    this.trained.delete(this.cells.key(arch));
  }

  saveState(out: StateWriter): void {
    out.json('trained', [...this.trained]);
  }

  loadState(from: StateReader): void {
    this.trained.clear();
    for (const [key, epochs] of from.json<[string, number][]>('trained')) this.trained.set(key, epochs);
  }

  dispose(): void {}
}

/**
 * Synthetic learning curves over NAS-Bench-201's final accuracies. The tables we ship hold only the
 * accuracies after 200 epochs (resources/nb201/PROVENANCE.md), not per-epoch curves, so for budgets
 * counted in epochs each cell gets a made-up, documented curve that ends at its table value:
 * acc(e) = 10 + (val200 − 10)·(1 − exp(−e/τ))/(1 − exp(−200/τ)) + ε_e, with a per-cell speed τ drawn
 * uniformly in [10, 60] epochs and noise ε_e ~ N(0, (2·(1 − e/200))²) (zero at 200), both from
 * `Rng(seed)` forked by the cell's arch string. Different speeds make early rankings differ from
 * the final one, as real curves do; the test accuracy is the table's, reported at 200 epochs only.
 */
export function nb201SyntheticCurves(table: LookupTable, seed: number): LearningCurve<number> {
  const full = 200;
  const cache = new Map<number, Float64Array>();
  const curveOf = (cells: Nb201Cells, arch: number): Float64Array => {
    let values = cache.get(arch);
    if (!values) {
      const rng = new Rng(seed).fork(cells.key(arch));
      const tau = 10 + 50 * rng.next();
      const final = table.val[arch];
      const norm = 1 - Math.exp(-full / tau);
      values = new Float64Array(full + 1);
      for (let e = 1; e <= full; e++) {
        const noise = 2 * (1 - e / full) * rng.normal();
        values[e] = 10 + ((final - 10) * (1 - Math.exp(-e / tau))) / norm + noise;
      }
      cache.set(arch, values);
    }
    return values;
  };
  return (arch, epochs) => {
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > full) throw new RangeError(`NB201 synthetic curves cover epochs 1..${full}, got ${epochs}`);
    const metric = curveOf(table.cells, arch)[epochs];
    return epochs === full ? { metric, test: table.test[arch] } : { metric };
  };
}
