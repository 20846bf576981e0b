import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { RunConfig } from '../../../src-shared/model/run-config';
import type { Rng } from '../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../checkpoint/state';

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
  /** The run's own folder (its checkpoint folder), for files it leaves behind (an evaluation's weights); absent: none are written. */
  outputDir?: string;
}

/** What one step did. `epochEnd` marks the step that completed an epoch (the run loop checkpoints there). */
export interface StepResult {
  done: boolean;
  epochEnd?: boolean;
}

/**
 * One search or training method. The engine's run loop calls `step()` until it answers
 * `{ done: true }` or the run is stopped; a step is one batch for one-shot methods and one
 * query (evaluation) for black-box methods, so stopping is never more than one step away.
 *
 * Between two steps the run loop may call `saveState`, and a fresh strategy built from the same
 * config (same seed) may be given that state by `loadState` before its first step: from there on it
 * must report exactly what the saved one would have (docs/checkpoints.md). Each piece the strategy
 * holds writes its own part under its own scope (optimizer, batch stream, Rng, network, ...).
 */
export interface SearchStrategy {
  /** Number of steps the run is planned for (for progress and ETA). */
  readonly totalSteps: number;
  step(): Promise<StepResult>;
  /** The current answer, or null when the method has none (plain training). */
  genotype(): Genotype | null;
  /** Everything the next step reads: weights, α, both optimizers, random and data positions, counters. */
  saveState(out: StateWriter): void;
  /** Restores a state written by `saveState` of a strategy built from the same config; throws naming what does not fit. */
  loadState(from: StateReader): void;
  /** Free every tensor the strategy holds. */
  dispose(): void;
}

export type StrategyFactory<C extends RunConfig = RunConfig> = (ctx: StrategyContext<C>) => Promise<SearchStrategy>;
