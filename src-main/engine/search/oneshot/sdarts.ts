import * as tf from '@tensorflow/tfjs';
import type { SdartsAdvConfig, SdartsRsConfig } from '../../../../src-shared/model/algorithms/sdarts';
import type { Rng, RngState } from '../../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { cellWeights, rowTensors, supernetObjective } from '../sampled/supernet-objective';
import type { Rows } from '../sampled/gumbel';
import type { StrategyContext } from '../strategy';
import { loadOneShotData, withPartialChannels } from './data';
import { DartsStrategy, type DartsDeps } from './darts';
import type { OneShotStep, Relaxation, StepFigure } from './template';

/** SDARTS's radius at an epoch (from 0): epsilonMin + (epsilon − epsilonMin)·epoch/epochs. */
export function sdartsEpsilon(epoch: number, epochs: number, epsilon: number, epsilonMin: number): number {
  return epsilonMin + ((epsilon - epsilonMin) * epoch) / epochs;
}

/**
 * The authors' `model.clip()`: each row clamped to [0, 1]; a row left all zero gets 1 at its
 * arg-max before the clamp; then each row divided by its sum (back on the simplex).
 */
export function clipRows(rows: Rows): Rows {
  return rows.map((row) => {
    const clamped = row.map((v) => Math.min(1, Math.max(0, v)));
    if (!clamped.some((v) => v > 0)) clamped[row.reduce<number>((best, v, k) => (v > row[best] ? k : best), 0)] = 1;
    const sum = clamped.reduce((s, v) => s + v, 0);
    return clamped.map((v) => v / sum);
  });
}

/** `rows` plus U(−ε, ε) per entry, clipped (`Random_alpha`). */
export function randomPerturbation(rows: Rows, epsilon: number, rng: Rng): Rows {
  return clipRows(rows.map((row) => row.map((v) => v + (2 * rng.next() - 1) * epsilon)));
}

/** The training loss as a function of the edge weights, with its gradient in them. */
export type EdgeWeightLoss = (rows: Rows) => { value: number; grad: Rows };

/**
 * SDARTS-ADV's attack (`Linf_PGD_alpha`): from a random start in the ε-box around `start`, `steps`
 * steps of sign gradient ascent of the loss with step 2ε/steps, each projected back into the box
 * (δ = clamp(A − start, −ε, ε)) and clipped. Returns the final weights clip(start + δ) and δ.
 */
export function pgdPerturbation(start: Rows, loss: EdgeWeightLoss, epsilon: number, steps: number, rng: Rng): { weights: Rows; delta: Rows } {
  const lr = (2 * epsilon) / steps;
  let weights = randomPerturbation(start, epsilon, rng);
  let delta = weights.map((row, e) => row.map((v, k) => v - start[e][k]));
  for (let s = 0; s < steps; s++) {
    const { grad } = loss(weights);
    delta = weights.map((row, e) => row.map((v, k) => Math.min(epsilon, Math.max(-epsilon, v + lr * Math.sign(grad[e][k]) - start[e][k]))));
    weights = clipRows(start.map((row, e) => row.map((v, k) => v + delta[e][k])));
  }
  return { weights, delta };
}

/**
 * DARTS with SDARTS's weight step: α is updated as DARTS does (first order or unrolled), then the
 * weights take their step at softmax(α) perturbed within ε, which `perturb` chooses. The
 * perturbation's draws come from their own generator, saved with the run.
 */
abstract class PerturbedDarts<C extends SdartsRsConfig | SdartsAdvConfig> extends DartsStrategy<C> {
  private readonly perturbing: Rng;

  constructor(ctx: StrategyContext<C>, deps: DartsDeps, label: string) {
    // partialChannels K > 1: SDARTS on PC-DARTS's supernet (the SDARTS paper's PC-DARTS rows).
    super(ctx, { ...deps, data: withPartialChannels(deps.data, ctx.config.partialChannels) }, ctx.config.partialChannels > 1 ? `${label} on PC-DARTS` : label);
    this.perturbing = ctx.rng.fork('perturbation');
  }

  /** The perturbed edge weights (all cells' rows in `net.arch` order). */
  protected abstract perturb(start: Rows, epsilon: number, step: OneShotStep, rng: Rng): Rows;

  private epsilon(epoch: number): number {
    const { config } = this.ctx;
    return sdartsEpsilon(epoch, config.epochs, config.epsilon, config.epsilonMin);
  }

  protected override relax(step: OneShotStep): Relaxation {
    const start = tf.tidy(() => this.net.arch.map((a) => tf.softmax(a.alpha))).map((t) => {
      const rows = t.arraySync() as number[][];
      t.dispose();
      return rows;
    });
    const rows = this.perturb(start.flat(), this.epsilon(step.epoch), step, this.perturbing);
    const tensors = rowTensors(this.net, rows);
    return { weights: () => cellWeights(this.net, tensors), dispose: () => tf.dispose(tensors) };
  }

  protected override updateArchitecture(step: OneShotStep): StepFigure[] {
    return [...super.updateArchitecture(step), ['epsilon', this.epsilon(step.epoch)]];
  }

  protected override saveMethodState(out: StateWriter): void {
    super.saveMethodState(out);
    out.json('perturbation', this.perturbing.getState());
  }

  protected override loadMethodState(from: StateReader): void {
    super.loadMethodState(from);
    this.perturbing.setState(from.json<RngState>('perturbation'));
  }
}

/** SDARTS-RS: uniform noise on the edge weights of each weight step. */
export class SdartsRsStrategy extends PerturbedDarts<SdartsRsConfig> {
  constructor(ctx: StrategyContext<SdartsRsConfig>, deps: DartsDeps) {
    super(ctx, deps, 'SDARTS-RS');
  }

  protected perturb(start: Rows, epsilon: number, _step: OneShotStep, rng: Rng): Rows {
    return randomPerturbation(start, epsilon, rng);
  }
}

/** SDARTS-ADV: the worst edge weights PGD finds within ε, on the step's training batch. */
export class SdartsAdvStrategy extends PerturbedDarts<SdartsAdvConfig> {
  constructor(ctx: StrategyContext<SdartsAdvConfig>, deps: DartsDeps) {
    super(ctx, deps, 'SDARTS-ADV');
  }

  protected perturb(start: Rows, epsilon: number, step: OneShotStep, rng: Rng): Rows {
    const objective = supernetObjective(this.net, step.train);
    return pgdPerturbation(start, (rows) => objective.relaxed(rows), epsilon, this.ctx.config.attackSteps, rng).weights;
  }
}

/** The registry's factories: SDARTS on the run's dataset. */
export async function createSdartsRsStrategy(ctx: StrategyContext<SdartsRsConfig>): Promise<SdartsRsStrategy> {
  return new SdartsRsStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}

export async function createSdartsAdvStrategy(ctx: StrategyContext<SdartsAdvConfig>): Promise<SdartsAdvStrategy> {
  return new SdartsAdvStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}
