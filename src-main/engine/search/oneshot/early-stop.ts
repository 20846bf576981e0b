import { eigenvalueGrew, type EarlyStopConfig, type EigenvalueAt } from '../../../../src-shared/model/algorithms/early-stop';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { StateReader, StateWriter } from '../../checkpoint/state';

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
