import type { DartsPtConfig, PtSource } from '../../../../src-shared/model/algorithms/darts-pt';
import type { Genotype } from '../../../../src-shared/model/genotype';
import { RunConfig } from '../../../../src-shared/model/run-config';
import { Rng } from '../../../../src-shared/model/rng';
import { readCheckpoint } from '../../checkpoint/file';
import { bundleReader, type StateReader, type StateWriter } from '../../checkpoint/state';
import { alphaValues } from '../../supernet/arch-params';
import type { Supernet } from '../../supernet/types';
import type { Reporter, SearchStrategy, StepResult, StrategyContext } from '../strategy';
import { createDartsStrategy } from './darts';
import { createDrnasStrategy } from './drnas';
import { createPcdartsStrategy } from './pcdarts';
import { Projection, softmaxRows, type MixRows } from './projection';
import { createSdartsAdvStrategy, createSdartsRsStrategy } from './sdarts';
import type { OneShotSearch } from './template';

type SourceConfig = Extract<RunConfig, { algorithm: 'darts' | 'sdarts-rs' | 'sdarts-adv' | 'drnas' | 'pcdarts' }>;

/** The DARTS-family strategies whose supernet PT can select from (built directly: the registry imports this file's module). */
const SOURCES: { [A in SourceConfig['algorithm']]: (ctx: StrategyContext<Extract<SourceConfig, { algorithm: A }>>) => Promise<OneShotSearch<Extract<SourceConfig, { algorithm: A }>>> } = {
  darts: createDartsStrategy,
  'sdarts-rs': createSdartsRsStrategy,
  'sdarts-adv': createSdartsAdvStrategy,
  drnas: createDrnasStrategy,
  pcdarts: createPcdartsStrategy,
};

/** DrNAS's edges mix by the Dirichlet's mean (elu(β) + 1)/Σ (its deterministic view); the others by softmax(α). */
function mixOf(algorithm: string, net: Supernet): () => MixRows {
  if (algorithm !== 'drnas') return () => softmaxRows(net);
  return () => {
    const out: MixRows = {};
    for (const [kind, rows] of Object.entries(alphaValues(net))) {
      out[kind] = rows.map((row) => {
        const a = row.map((b) => (b > 0 ? b : Math.expm1(b)) + 1);
        const sum = a.reduce((s, v) => s + v, 0);
        return a.map((v) => v / sum);
      });
    }
    return out;
  };
}

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

/**
 * "Select with PT" on a finished DARTS-family run: the source's strategy is rebuilt from its config
 * and restored from its newest checkpoint; its remaining steps run silently (a finished run has no
 * checkpoint after its last step, and by the resume guarantee these steps rebuild exactly the
 * supernet it ended with); then DARTS-PT's projection runs on that supernet with the source's
 * relaxation for the undecided edges and α frozen. Reports are the projection's alone, numbered
 * from step 1 of this run. The checkpoint holds the source strategy's state under `source` and the
 * projection's under `pt`.
 */
export class PtSelectStrategy implements SearchStrategy {
  readonly totalSteps: number;
  private readonly catchUp: number;
  private readonly projection: Projection;
  private position = 0;

  constructor(
    private readonly ctx: StrategyContext<DartsPtConfig>,
    private readonly source: OneShotSearch<SourceConfig>,
    private readonly from: PtSource,
  ) {
    const { config, reporter } = ctx;
    this.catchUp = source.totalSteps - from.checkpoint.step;
    this.projection = new Projection({
      net: source.net,
      data: source.data,
      config,
      mix: mixOf(String(from.config.algorithm), source.net),
      reporter,
      rng: ctx.rng.fork('pt-order'),
      stepOffset: this.catchUp,
      epochOffset: 0,
    });
    this.totalSteps = this.catchUp + this.projection.totalSteps;
    reporter.log('info', `Select with PT on run ${from.runId} (${String(from.config.algorithm)}): its checkpoint at step ${from.checkpoint.step}, ${this.catchUp} step(s) to its end, then ${this.projection.totalSteps} projection steps`);
  }

  async step(): Promise<StepResult> {
    if (this.position >= this.totalSteps) return { done: true };
    this.position++;
    let result: StepResult;
    if (this.position <= this.catchUp) {
      await this.source.step();
      result = { done: false };
      if (this.position === this.catchUp) this.ctx.reporter.log('info', `run ${this.from.runId}'s supernet is at its final step; projecting`);
    } else result = await this.projection.step();
    this.ctx.reporter.progress(this.position, this.totalSteps);
    return result;
  }

  genotype(): Genotype | null {
    return this.projection.genotype();
  }

  saveState(out: StateWriter): void {
    out.json('position', this.position);
    this.source.saveState(out.scope('source'));
    this.projection.saveState(out.scope('pt'));
  }

  loadState(from: StateReader): void {
    this.position = from.json<number>('position');
    this.source.loadState(from.scope('source'));
    this.projection.loadState(from.scope('pt'));
  }

  dispose(): void {
    this.projection.dispose();
    this.source.dispose();
  }
}

/** Builds the source run's strategy, restores its checkpoint and wraps it (the source's reports are dropped). */
export async function createPtSelectStrategy(ctx: StrategyContext<DartsPtConfig>, from: PtSource): Promise<PtSelectStrategy> {
  const parsed = RunConfig.safeParse(from.config);
  if (!parsed.success) throw new Error(`the config of run ${from.runId} is not a valid run config: ${parsed.error.issues[0]?.message}`);
  const config = parsed.data;
  if (!(config.algorithm in SOURCES)) throw new Error(`Select with PT takes a finished run of ${Object.keys(SOURCES).join(', ')}; run ${from.runId} is '${config.algorithm}'`);
  const factory = SOURCES[config.algorithm as SourceConfig['algorithm']] as (c: StrategyContext<SourceConfig>) => Promise<OneShotSearch<SourceConfig>>;
  const source = await factory({ config: config as SourceConfig, rng: new Rng(config.seed), reporter: silent, resourcesDir: ctx.resourcesDir });
  try {
    const { info, bundle } = readCheckpoint(from.checkpoint, config.algorithm);
    if (info.step !== from.checkpoint.step) throw new Error(`checkpoint ${from.checkpoint.file} holds step ${info.step}, step ${from.checkpoint.step} was recorded`);
    source.loadState(bundleReader(bundle, from.checkpoint.file));
    return new PtSelectStrategy(ctx, source, from);
  } catch (error) {
    source.dispose();
    throw new Error(`Select with PT cannot use run ${from.runId}'s checkpoint: ${(error as Error).message}`);
  }
}
