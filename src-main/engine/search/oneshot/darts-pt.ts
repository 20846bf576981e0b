import type { DartsPtConfig } from '../../../../src-shared/model/algorithms/darts-pt';
import type { Genotype } from '../../../../src-shared/model/genotype';
import { ptPhaseSteps, ptRounds } from '../../../../src-shared/model/pt-selection';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import type { StepResult, StrategyContext } from '../strategy';
import { DartsStrategy, type DartsDeps } from './darts';
import { loadOneShotData } from './data';
import { createPtSelectStrategy, type PtSelectStrategy } from './darts-pt-select';
import { Projection, softmaxRows } from './projection';
import type { OneShotStep, StepFigure } from './template';

/** Steps of a config's projection phase on data of `stepsPerEpoch` batches per epoch. */
export function projectionSteps(config: Pick<DartsPtConfig, 'space' | 'projectionInterval'>, stepsPerEpoch: number): number {
  const nodes = config.space.kind === 'darts' ? config.space.nodes : 3;
  return ptPhaseSteps(ptRounds(config.space.kind, nodes), config.projectionInterval * stepsPerEpoch);
}

/**
 * DARTS-PT: DARTS's search (with `fixAlpha` no α step at all: α stays at its 1e-3·N(0, 1) start, the
 * authors' "blank" supernet), then the projection phase (projection.ts) on the trained supernet; the
 * answer is the projection's cell, not the arg-max of α. The checkpoint holds DARTS's state and the
 * projection's (decisions so far, position, the fine-tuning momentum) under `pt`.
 */
export class DartsPtStrategy extends DartsStrategy<DartsPtConfig> {
  private readonly searchSteps: number;
  private readonly projection: Projection;

  constructor(ctx: StrategyContext<DartsPtConfig>, deps: DartsDeps) {
    const { config } = ctx;
    super(ctx, deps, 'DARTS-PT', { extraSteps: projectionSteps(config, deps.data.stepsPerEpoch) });
    this.searchSteps = config.epochs * deps.data.stepsPerEpoch;
    this.projection = new Projection({
      net: this.net,
      data: this.data,
      config,
      mix: () => softmaxRows(this.net),
      reporter: ctx.reporter,
      rng: ctx.rng.fork('pt-order'),
      stepOffset: this.searchSteps,
      epochOffset: config.epochs,
    });
    ctx.reporter.log('info', `DARTS-PT: ${config.fixAlpha ? 'α fixed (never trained), ' : ''}${this.searchSteps} search steps, then ${this.projection.totalSteps} projection steps (${config.projectionInterval} fine-tuning epochs between decisions, criterion ${config.projectionCriterion})`);
  }

  override async step(): Promise<StepResult> {
    if (this.stepIndex < this.searchSteps) {
      const result = await super.step();
      return { done: false, epochEnd: result.epochEnd };
    }
    const result = await this.projection.step();
    this.stepIndex++;
    this.ctx.reporter.progress(this.stepIndex, this.totalSteps);
    return result;
  }

  /** The projection's cell once it is complete; before that, DARTS's arg-max of α. */
  override genotype(): Genotype {
    return this.projection.genotype() ?? super.genotype();
  }

  protected override updateArchitecture(step: OneShotStep, weightStep?: unknown): StepFigure[] {
    return this.ctx.config.fixAlpha ? [] : super.updateArchitecture(step, weightStep);
  }

  protected override saveMethodState(out: StateWriter): void {
    super.saveMethodState(out);
    this.projection.saveState(out.scope('pt'));
  }

  protected override loadMethodState(from: StateReader): void {
    super.loadMethodState(from);
    this.projection.loadState(from.scope('pt'));
  }

  protected override disposeMethod(): void {
    this.projection.dispose();
    super.disposeMethod();
  }
}

/** The registry's factory: DARTS-PT on the run's dataset, or with `source` the projection of a finished run's supernet. */
export async function createDartsPtStrategy(ctx: StrategyContext<DartsPtConfig>): Promise<DartsPtStrategy | PtSelectStrategy> {
  if (ctx.config.source) return createPtSelectStrategy(ctx, ctx.config.source);
  return new DartsPtStrategy(ctx, { data: await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter) });
}
