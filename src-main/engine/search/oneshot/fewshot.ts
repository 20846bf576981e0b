import type * as tf from '@tensorflow/tfjs';
import { bestSubSupernet, splitEdgeOps, subSupernetKey, subSupernetOps, type FewshotConfig } from '../../../../src-shared/model/algorithms/fewshot';
import type { Genotype } from '../../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../../src-shared/model/metrics';
import type { StateReader, StateWriter } from '../../checkpoint/state';
import { copyWeights, SplitSupernet, weightsOf, type EdgeSplit } from '../../supernet/split-edge';
import type { Supernet } from '../../supernet/types';
import type { Reporter, SearchStrategy, StepResult, StrategyContext } from '../strategy';
import { DartsStrategy } from './darts';
import { buildSupernet, loadOneShotData, type DartsData } from './data';
import { alphaSnapshot, softmaxView, type OneShotView } from './epoch-report';

/** What a finished sub-supernet left: its op, its last validation figures and its cell. */
export interface SubSupernetResult {
  op: string;
  validAcc: number;
  validLoss: number;
  genotype: Genotype;
}

/**
 * The logit a snapshot shows for the split edge's other ops: far enough below the fixed op's 0 that
 * the softmax of the row is exactly one-hot in float64 (e^-1e4 underflows to 0), and finite (JSON).
 */
const ABSENT_LOGIT = -1e4;

/**
 * The view of a sub-supernet: softmax(α) as DARTS, with the split edge's row shown as the one-hot
 * row of its op (the network computes it so; its α row is never trained), so the cell derived from
 * it and the α the dashboard draws hold the edge's fixed op.
 */
export function splitView(net: SplitSupernet): OneShotView {
  const base = softmaxView(net);
  return {
    ...base,
    snapshot: () => {
      const snap = alphaSnapshot(net);
      const { cell, edge, op } = net.split;
      return {
        ...snap,
        cells: snap.cells.map((c) =>
          c.kind !== cell ? c : { ...c, alpha: c.alpha.map((row, e) => (e !== edge ? row : row.map((_, k) => (k === op ? 0 : ABSENT_LOGIT)))) },
        ),
      };
    },
  };
}

/**
 * Few-shot NAS (Zhao et al., ICML 2021) on DARTS: phase 0 is DARTS on the one-shot supernet for
 * `warmupEpochs` (exactly a DARTS run of that length on the same seed); then, one after the other,
 * one DARTS search per op of the split edge, on a sub-supernet whose split edge computes that op alone
 * (`SplitSupernet`), built afresh (its own weights, α, optimizers; one network in memory at a time
 * besides the one-shot weights) with a copy of the one-shot weights. Weights are shared within a
 * sub-supernet only. Metrics of every phase go out on the run's one step axis; each sub-supernet's
 * validation figures also under `fewshot.<op>.valid.acc|loss`. The answer is the cell of the
 * sub-supernet with the best last validation accuracy (`bestSubSupernet`).
 */
export class FewshotSearch implements SearchStrategy {
  readonly totalSteps: number;
  readonly ops: readonly string[];
  private readonly warmupSteps: number;
  private readonly subSteps: number;
  /** 0: the one-shot warm-up; k ≥ 1: sub-supernet k − 1. */
  private phase = 0;
  private current: DartsStrategy<FewshotConfig>;
  /** The one-shot supernet's weights at the split (copies), once the warm-up has ended. */
  private warmStart: Map<string, tf.Tensor> | null = null;
  private readonly results: SubSupernetResult[] = [];
  /** The current phase's last `valid.acc` and `valid.loss`. */
  private lastValid = { acc: Number.NaN, loss: Number.NaN };
  private finished = false;

  constructor(private readonly ctx: StrategyContext<FewshotConfig>, private readonly data: DartsData) {
    const { config } = ctx;
    this.ops = subSupernetOps(config);
    this.warmupSteps = config.warmupEpochs * data.stepsPerEpoch;
    this.subSteps = config.epochs * data.stepsPerEpoch;
    this.totalSteps = this.warmupSteps + this.ops.length * this.subSteps;
    ctx.reporter.log('info', `few-shot NAS: ${config.warmupEpochs} one-shot epochs, then ${this.ops.length} sub-supernets on ${config.splitCell} edge ${config.splitEdge} (${this.ops.join(', ')}), ${config.epochs} epochs each`);
    this.current = this.buildPhase(0);
  }

  /** The sub-supernet results so far, in op order. */
  subSupernets(): readonly SubSupernetResult[] {
    return this.results;
  }

  /** The network of the current phase (the one-shot supernet during the warm-up). */
  get net(): Supernet {
    return this.current.net;
  }

  /** The split of sub-supernet `index` (its op's place in the edge's α row). */
  split(index: number): EdgeSplit {
    const { config } = this.ctx;
    return { cell: config.splitCell, edge: config.splitEdge, op: splitEdgeOps(config).indexOf(this.ops[index]) };
  }

  async step(): Promise<StepResult> {
    if (this.finished) return { done: true };
    const result = await this.current.step();
    if (!result.done) return result;
    this.endPhase();
    return { done: this.finished, epochEnd: result.epochEnd };
  }

  genotype(): Genotype {
    return this.finished ? this.best().genotype : this.current.genotype();
  }

  saveState(out: StateWriter): void {
    out.json('phase', this.phase);
    out.json('finished', this.finished);
    // Copies: the bundle keeps what it is given, and these go on changing.
    out.json('results', [...this.results]);
    out.json('last-valid', { ...this.lastValid });
    if (this.warmStart) for (const [name, t] of this.warmStart) out.tensor(`warm-start.${name}`, t);
    this.current.saveState(out.scope('search'));
  }

  loadState(from: StateReader): void {
    const phase = from.json<number>('phase');
    if (!Number.isInteger(phase) || phase < 0 || phase > this.ops.length) {
      throw new Error(`checkpoint ${from.source}: few-shot phase ${phase} does not fit this config's ${this.ops.length} sub-supernets`);
    }
    this.disposeWarmStart();
    if (phase > 0) {
      // The one-shot weights, by the names and shapes of the network this config builds.
      this.warmStart = new Map(this.current.net.params.names().map((name) => [name, from.tensor(`warm-start.${name}`, this.current.net.params.get(name).shape)]));
    }
    if (phase !== this.phase) {
      this.current.dispose();
      this.phase = phase;
      this.current = this.buildPhase(phase);
    }
    this.results.splice(0, this.results.length, ...from.json<SubSupernetResult[]>('results'));
    this.lastValid = { ...from.json<{ acc: number; loss: number }>('last-valid') };
    this.finished = from.json<boolean>('finished');
    this.current.loadState(from.scope('search'));
  }

  dispose(): void {
    this.current.dispose();
    this.disposeWarmStart();
  }

  /** The phase's figures are in; on to the next (the warm-up's end keeps the one-shot weights), or the answer after the last. */
  private endPhase(): void {
    if (this.phase === 0) {
      this.warmStart = weightsOf(this.current.net);
      this.ctx.reporter.log('info', `few-shot NAS: one-shot supernet trained; splitting into ${this.ops.length} sub-supernets`);
    } else {
      const op = this.ops[this.phase - 1];
      this.results.push({ op, validAcc: this.lastValid.acc, validLoss: this.lastValid.loss, genotype: this.current.genotype() });
      this.ctx.reporter.log('info', `few-shot NAS: sub-supernet ${op} done, validation accuracy ${this.lastValid.acc.toFixed(4)}, loss ${this.lastValid.loss.toFixed(4)}`);
    }
    if (this.phase === this.ops.length) {
      this.finish();
      return;
    }
    this.current.dispose();
    this.phase++;
    this.lastValid = { acc: Number.NaN, loss: Number.NaN };
    this.current = this.buildPhase(this.phase);
  }

  /** The run's answer: the best sub-supernet's cell, and which one it was. */
  private finish(): void {
    this.finished = true;
    const best = this.best();
    const at = { step: this.totalSteps, epoch: this.ctx.config.warmupEpochs + this.ops.length * this.ctx.config.epochs };
    this.ctx.reporter.log('info', `few-shot NAS: the ${best.op} sub-supernet validates best (accuracy ${best.validAcc.toFixed(4)}); its cell is the answer`);
    this.ctx.reporter.genotype(best.genotype, { ...at, final: true });
  }

  private best(): SubSupernetResult {
    const best = bestSubSupernet(this.results);
    if (!best) throw new Error('few-shot NAS has no finished sub-supernet yet');
    return best;
  }

  /** Phase 0: DARTS on the one-shot supernet; phase k: DARTS on sub-supernet k − 1, warm-started. */
  private buildPhase(phase: number): DartsStrategy<FewshotConfig> {
    const { config } = this.ctx;
    if (phase === 0) {
      const ctx = { ...this.ctx, config: { ...config, epochs: config.warmupEpochs }, reporter: this.phaseReporter(0, null) };
      return new DartsStrategy(ctx, { data: this.data }, 'few-shot warm-up (DARTS)');
    }
    const index = phase - 1;
    const op = this.ops[index];
    const split = this.split(index);
    const ctx = { ...this.ctx, config, rng: this.ctx.rng.fork('sub-supernet'), reporter: this.phaseReporter(phase, op) };
    const search = new DartsStrategy(ctx, { data: this.data }, `few-shot ${op}`, {
      network: (space, data, rng) => new SplitSupernet(buildSupernet(space, data, rng), split),
      view: (net) => splitView(net as SplitSupernet),
    });
    if (!this.warmStart) throw new Error('few-shot NAS: a sub-supernet needs the one-shot weights, and the warm-up has not ended');
    copyWeights(this.warmStart, search.net);
    return search;
  }

  /**
   * The run's reporter as a phase sees it: steps and epochs moved to the run's axis (each phase's
   * planned start), the phase's genotypes never final (the run's answer comes at the end), each
   * sub-supernet's validation figures also under `fewshot.<op>.*`, and its last ones kept.
   */
  private phaseReporter(phase: number, op: string | null): Reporter {
    const outer = this.ctx.reporter;
    const stepOffset = phase === 0 ? 0 : this.warmupSteps + (phase - 1) * this.subSteps;
    const epochOffset = phase === 0 ? 0 : this.ctx.config.warmupEpochs + (phase - 1) * this.ctx.config.epochs;
    const move = (p: MetricPoint): MetricPoint => ({ ...p, step: p.step + stepOffset, epoch: p.epoch + epochOffset });
    return {
      metrics: (points) => {
        const moved = points.map(move);
        const own: MetricPoint[] = [];
        for (const p of moved) {
          if (p.key !== 'valid.acc' && p.key !== 'valid.loss') continue;
          if (p.key === 'valid.acc') this.lastValid.acc = p.value;
          else this.lastValid.loss = p.value;
          if (op !== null) own.push({ ...p, key: subSupernetKey(op, p.key) });
        }
        outer.metrics([...moved, ...own]);
      },
      genotype: (genotype, info) => outer.genotype(genotype, { step: info.step + stepOffset, epoch: info.epoch + epochOffset, final: false }),
      artifact: (kind, step, data) => outer.artifact(kind, step + stepOffset, data),
      log: (level, message) => outer.log(level, op === null ? message : `[sub-supernet ${op}] ${message}`),
      progress: (done) => outer.progress(stepOffset + done, this.totalSteps),
    };
  }

  private disposeWarmStart(): void {
    if (this.warmStart) for (const t of this.warmStart.values()) t.dispose();
    this.warmStart = null;
  }
}

/** The registry's factory: few-shot NAS on the run's dataset (the one-shot data every phase shares). */
export async function createFewshotStrategy(ctx: StrategyContext<FewshotConfig>): Promise<FewshotSearch> {
  return new FewshotSearch(ctx, await loadOneShotData(ctx.config, ctx.resourcesDir, ctx.rng, ctx.reporter));
}
