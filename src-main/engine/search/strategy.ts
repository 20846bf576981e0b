import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { RunConfig } from '../../../src-shared/model/run-config';
import type { Rng } from '../../../src-shared/model/rng';

/**
 * How a strategy tells the world what happened. The engine process turns these calls into protocol
 * messages; the host persists them. A strategy never touches storage or IPC itself.
 */
export interface Reporter {
  /** Scalar observations (losses, accuracies, entropies, eigenvalues, ...). */
  metrics(points: MetricPoint[]): void;
  /** The architecture the strategy would return now; `final` marks the run's answer. */
  genotype(genotype: Genotype, info: { step: number; epoch: number; final: boolean }): void;
  /**
   * A structured snapshot that is not a scalar: the alphas of an epoch, one black-box evaluation,
   * PVLL-NAS's memory size, ... `kind` names what `data` holds.
   */
  artifact(kind: string, step: number, data: unknown): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Work done so far, in the strategy's own unit (steps or queries), against the total. */
  progress(done: number, total: number): void;
}

/** What a strategy is given to start. Randomness comes only from `rng` (derived from the run's seed). */
export interface StrategyContext<C extends RunConfig = RunConfig> {
  config: C;
  rng: Rng;
  reporter: Reporter;
  /** Folder of the app's resources (the embedded dataset, the NB201 tables). */
  resourcesDir: string;
}

/**
 * One search or training method. The engine's run loop calls `step()` until it answers
 * `{ done: true }` or the run is stopped; a step is one batch for one-shot methods and one
 * query (evaluation) for black-box methods, so stopping is never more than one step away.
 */
export interface SearchStrategy {
  /** Number of steps the run is planned for (for progress and ETA). */
  readonly totalSteps: number;
  step(): Promise<{ done: boolean }>;
  /** The current answer, or null when the method has none (plain training). */
  genotype(): Genotype | null;
  /** Free every tensor the strategy holds. */
  dispose(): void;
}

export type StrategyFactory<C extends RunConfig = RunConfig> = (ctx: StrategyContext<C>) => Promise<SearchStrategy>;
