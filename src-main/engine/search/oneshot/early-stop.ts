import type { EarlyStopConfig } from '../../../../src-shared/model/algorithms/early-stop';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { StateReader, StateWriter } from '../../checkpoint/state';

/** One measured dominant eigenvalue and the epoch (from 1) it ended. */
export interface EigenvalueAt {
  epoch: number;
  value: number;
}

/** Trailing local averages: entry i is the mean of values i−window+1..i (fewer at the start). */
export function localAverages(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const part = values.slice(Math.max(0, i - window + 1), i + 1);
    return part.reduce((s, v) => s + v, 0) / part.length;
  });
}

/**
 * DARTS-ES's test on a trace of eigenvalues (docs/oneshot.md): whether the last measurement's local
 * average exceeds `factor` times the one `delta` measurements before, that earlier one being at or
 * after `startEpoch` and positive (growth is only defined from a positive curvature).
 */
export function eigenvalueGrew(trace: readonly EigenvalueAt[], o: EarlyStopConfig): boolean {
  const last = trace.length - 1;
  if (last - o.delta < 0 || trace[last - o.delta].epoch < o.startEpoch) return false;
  const averages = localAverages(trace.map((t) => t.value), o.window);
  const before = averages[last - o.delta];
  return before > 0 && averages[last] > o.factor * before;
}

/**
 * DARTS-ES as an option of every differentiable one-shot method: at each epoch's end it takes the
 * epoch's eigenvalue (when measured) and genotype; once the eigenvalue grew, it answers the
 * genotype of the epoch before, which the template reports as the run's final answer.
 */
export class EarlyStop {
  private trace: EigenvalueAt[] = [];
  private previous: Genotype | null = null;
  private answer: Genotype | null = null;

  constructor(private readonly options: EarlyStopConfig) {}

  /** The answer once stopped, else null. */
  get stoppedWith(): Genotype | null {
    return this.answer;
  }

  /** Records an epoch's end; returns the answer when the search stops here. */
  endEpoch(epoch: number, eigenvalue: number | null, genotype: Genotype): Genotype | null {
    if (eigenvalue !== null) {
      this.trace.push({ epoch, value: eigenvalue });
      if (this.previous && eigenvalueGrew(this.trace, this.options)) this.answer = this.previous;
    }
    this.previous = genotype;
    return this.answer;
  }

  saveState(out: StateWriter): void {
    out.json('trace', { trace: this.trace, previous: this.previous, answer: this.answer });
  }

  loadState(from: StateReader): void {
    ({ trace: this.trace, previous: this.previous, answer: this.answer } = from.json<{ trace: EigenvalueAt[]; previous: Genotype | null; answer: Genotype | null }>('trace'));
  }
}
