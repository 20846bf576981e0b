import * as tf from '@tensorflow/tfjs';
import { hessianPlan, type OneShotCommon } from '../../../../src-shared/model/algorithms/one-shot';
import type { Genotype } from '../../../../src-shared/model/genotype';
import { deriveDartsGenotype, deriveNb201Genotype } from '../../../../src-shared/model/genotype-derive';
import type { MetricPoint } from '../../../../src-shared/model/metrics';
import { CollapseWatch, normalCellParameterFree, type CollapseCriteria, type CollapseWatchState } from '../../../../src-shared/model/collapse';
import type { z } from 'zod';
import type { Rng } from '../../../../src-shared/model/rng';
import { meanEntropy } from '../../diagnostics/entropy';
import { dominantHessianEigenvalue } from '../../diagnostics/hessian';
import { countSkipConnections } from '../../diagnostics/skip-count';
import type { Batch as DataBatch } from '../../data/batches';
import { crossEntropy, scoreBatches } from '../../evaluate/classification';
import { alphaValues, softmaxWeights } from '../../supernet/arch-params';
import { edgeNormalizationValues } from '../../supernet/edge-normalization';
import type { Supernet } from '../../supernet/types';
import type { Batch } from './architect';
import type { Reporter } from '../strategy';
import type { StateReader, StateWriter } from '../../checkpoint/state';

/** Current α of every cell type with each row's op names (the `alphas` artifact). */
export interface AlphaSnapshot {
  space: Supernet['space'];
  /** `edgeScale`: PC-DARTS's edge normalization weights, where the network has β. */
  cells: { kind: string; edgeOps: readonly (readonly string[])[]; alpha: number[][]; edgeScale?: number[] }[];
}

export function alphaSnapshot(net: Supernet): AlphaSnapshot {
  const values = alphaValues(net);
  return {
    space: net.space,
    cells: net.arch.map((a) => ({
      kind: a.kind,
      edgeOps: a.edgeOps,
      alpha: values[a.kind],
      ...(a.beta && net.space.kind === 'darts' ? { edgeScale: edgeNormalizationValues(Array.from(a.beta.dataSync()), net.space.nodes) } : {}),
    })),
  };
}

/** The discrete cell(s) of the α: DARTS's `genotype()._parse`, or NAS-Bench-201's arg-max per edge. */
export function deriveGenotype(snapshot: AlphaSnapshot): Genotype {
  const cell = (kind: string) => {
    const found = snapshot.cells.find((c) => c.kind === kind);
    if (!found) throw new Error(`the alphas have no '${kind}' cell (cells: ${snapshot.cells.map((c) => c.kind).join(', ')})`);
    return found;
  };
  const { space } = snapshot;
  if (space.kind === 'nb201') return deriveNb201Genotype(cell('normal').alpha, cell('normal').edgeOps[0]);
  const normal = cell('normal');
  const reduce = cell('reduce');
  const edgeScale = normal.edgeScale && reduce.edgeScale ? { normal: normal.edgeScale, reduce: reduce.edgeScale } : undefined;
  return deriveDartsGenotype(normal.alpha, reduce.alpha, { normal: normal.edgeOps, reduce: reduce.edgeOps }, space.nodes, edgeScale);
}

/**
 * What the report needs from a one-shot search: its α, the network's logits as a function of α, and
 * how α becomes a discrete cell. DARTS and PVLL-NAS relax with softmax(α) (`softmaxView`); a
 * sampling method (GDAS, SNAS) passes its own `logits`, which must be deterministic in α (no fresh
 * Gumbel noise between calls) or the Hessian's finite difference measures the noise.
 */
export interface OneShotView {
  /** The α variables in a fixed order. The Hessian estimate moves them and restores them exactly. */
  readonly alphas: readonly tf.Variable[];
  snapshot(): AlphaSnapshot;
  /** Logits [batch, classes] under the given α (one tensor per entry of `alphas`), differentiable in α. */
  logits(x: tf.Tensor4D, alphas: readonly tf.Tensor[]): tf.Tensor2D;
  derive(snapshot: AlphaSnapshot): Genotype;
}

/** The view of a supernet under DARTS's relaxation: every edge mixes its ops by softmax(α). */
export function softmaxView(net: Supernet): OneShotView {
  return {
    alphas: net.arch.map((a) => a.alpha),
    snapshot: () => alphaSnapshot(net),
    logits: (x, alphas) => net.forward(x, softmaxWeights(net.arch, alphas as tf.Tensor2D[])),
    derive: deriveGenotype,
  };
}

export interface EpochReportOptions {
  reporter: Reporter;
  view: OneShotView;
  /** Running training means are reported every this many steps of an epoch, and at its end. */
  reportEvery: number;
  /**
   * A fresh in-order pass over the validation split (DARTS's `valid_queue` in `infer`), read lazily:
   * the report takes its first `validBatches` batches, so a cap costs only what it reads.
   */
  validation: () => Iterable<DataBatch>;
  validBatches: number;
  /** Dominant Hessian eigenvalue every this many epochs; 0 = never. */
  hessianEvery: number;
  /** Power-iteration steps (each two α-gradients of the Hessian batch). */
  hessianIters: number;
  /** Added as wd·I to the Hessian, as RobustDARTS differentiates the decayed gradient. */
  archWeightDecay: number;
  /** Draws the power iteration's start vectors. */
  rng: Rng;
  /** When `warning.collapse` fires (default: src-shared/model/collapse.ts's). */
  collapse?: z.input<typeof CollapseCriteria>;
}

/** The report of a one-shot run with its config's validation cap and Hessian schedule, whose cost it logs. */
export function oneShotReport(
  config: Pick<OneShotCommon, 'reportEvery' | 'validBatches' | 'hessianEvery' | 'hessianIters' | 'archWeightDecay' | 'earlyStop'>,
  reporter: Reporter,
  view: OneShotView,
  data: { validation: () => Iterable<DataBatch>; stepsPerEpoch: number },
  rng: Rng,
): EpochReport {
  const { reportEvery, validBatches, hessianEvery, hessianIters, archWeightDecay, earlyStop } = config;
  const { validation } = data;
  reporter.log('info', hessianPlan(config, data.stepsPerEpoch));
  // The warning's eigenvalue test is the run's DARTS-ES test when it has one, so the two agree.
  const collapse = earlyStop ? { eigenvalue: earlyStop } : {};
  return new EpochReport({ reporter, view, validation, reportEvery, validBatches, hessianEvery, hessianIters, archWeightDecay, rng, collapse });
}

/**
 * The diagnostics every one-shot search reports, with the same keys for DARTS, GDAS, SNAS and
 * PVLL-NAS so their runs chart side by side. Per step: `train.loss` / `train.acc` as running means
 * over the epoch so far (DARTS's AvgrageMeter, every `reportEvery` steps). Per epoch: the epoch's
 * means (`train.epoch.loss|acc`), `valid.loss` / `valid.acc` (DARTS's `infer`, capped at
 * `validBatches`), `alpha.entropy.<cell>` (mean entropy of softmax(α) per cell type), the `alphas`
 * artifact, the derived genotype (`final` at the end), `genotype.skip.normal|reduce` for DARTS
 * cells, and every `hessianEvery` epochs RobustDARTS's `hessian.eigenvalue`: the largest eigenvalue
 * of ∇²_α L_val (+ wd·I) on a validation batch fixed for the whole run, so epochs compare.
 */
export class EpochReport {
  private lossSum = 0;
  private correctSum = 0;
  private count = 0;
  private stepsInEpoch = 0;
  private hessianBatch: Batch | null = null;
  private readonly collapse: CollapseWatch;

  constructor(private readonly o: EpochReportOptions) {
    for (const [name, value] of [['reportEvery', o.reportEvery], ['validBatches', o.validBatches], ['hessianIters', o.hessianIters]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    if (!Number.isInteger(o.hessianEvery) || o.hessianEvery < 0) throw new Error(`hessianEvery must be 0 (never) or a positive integer, got ${o.hessianEvery}`);
    this.collapse = new CollapseWatch(o.collapse);
  }

  /** One training batch's mean loss and accuracy over `count` examples; `at` is where the step ends. */
  trainStep(at: { step: number; epoch: number }, loss: number, acc: number, count: number): void {
    this.lossSum += loss * count;
    this.correctSum += acc * count;
    this.count += count;
    this.stepsInEpoch++;
    if (this.stepsInEpoch % this.o.reportEvery === 0) this.o.reporter.metrics(this.runningMeans(at));
  }

  /**
   * Reports the epoch just completed (`epoch` counts from 1) and starts the next one's means.
   * Returns the epoch's eigenvalue (null when not measured or not finite) and genotype.
   */
  async endEpoch(at: { step: number; epoch: number; final: boolean }): Promise<{ eigenvalue: number | null; genotype: Genotype }> {
    const { reporter, view } = this.o;
    const where = { step: at.step, epoch: at.epoch };
    const point = (key: string, value: number): MetricPoint => ({ ...where, key, value });
    const points: MetricPoint[] = [];
    if (this.count > 0) {
      if (this.stepsInEpoch % this.o.reportEvery !== 0) points.push(...this.runningMeans(where));
      points.push(point('train.epoch.loss', this.lossSum / this.count), point('train.epoch.acc', this.correctSum / this.count));
    }
    this.lossSum = this.correctSum = this.count = this.stepsInEpoch = 0;

    const score = await scoreBatches((x) => view.logits(x, view.alphas), this.validationBatches());
    points.push(point('valid.loss', score.loss), point('valid.acc', score.acc));

    const snapshot = view.snapshot();
    for (const cell of snapshot.cells) points.push(point(`alpha.entropy.${cell.kind}`, meanEntropy(cell.alpha)));
    const genotype = view.derive(snapshot);
    if (genotype.space === 'darts') {
      const skips = countSkipConnections(genotype);
      points.push(point('genotype.skip.normal', skips.normal), point('genotype.skip.reduce', skips.reduce));
    }
    const parameterFree = normalCellParameterFree(genotype);
    points.push(point('genotype.param_free.normal', parameterFree.count));
    let measured: number | null = null;
    if (this.o.hessianEvery > 0 && at.epoch % this.o.hessianEvery === 0) {
      const eigenvalue = this.hessianEigenvalue(at.epoch);
      if (Number.isFinite(eigenvalue)) {
        points.push(point('hessian.eigenvalue', eigenvalue));
        measured = eigenvalue;
      } else reporter.log('warn', `epoch ${at.epoch}: the Hessian eigenvalue came out ${eigenvalue}; not recorded`);
    }
    const warning = this.collapse.observe({ epoch: at.epoch, parameterFree, eigenvalue: measured });
    if (warning) {
      points.push(point('warning.collapse', warning.epoch));
      reporter.log('warn', `epoch ${warning.epoch}: collapse warning: ${warning.reason}`);
    }
    reporter.metrics(points);
    reporter.artifact('alphas', at.step, snapshot);
    reporter.genotype(genotype, { step: at.step, epoch: at.epoch, final: at.final });
    return { eigenvalue: measured, genotype };
  }

  /**
   * The epoch's running sums and the collapse watch. The Hessian batch is not saved: it is the
   * validation pass's first batch, rebuilt the same on first use.
   */
  saveState(out: StateWriter): void {
    out.json('running', { lossSum: this.lossSum, correctSum: this.correctSum, count: this.count, stepsInEpoch: this.stepsInEpoch, collapse: this.collapse.saveState() });
  }

  loadState(from: StateReader): void {
    const running = from.json<{ lossSum: number; correctSum: number; count: number; stepsInEpoch: number; collapse?: CollapseWatchState }>('running');
    ({ lossSum: this.lossSum, correctSum: this.correctSum, count: this.count, stepsInEpoch: this.stepsInEpoch } = running);
    // A checkpoint from before the watch existed has none: the watch starts afresh from here.
    if (running.collapse) this.collapse.loadState(running.collapse);
  }

  /** Frees the fixed Hessian batch. */
  dispose(): void {
    if (this.hessianBatch) tf.dispose([this.hessianBatch.x, this.hessianBatch.y]);
    this.hessianBatch = null;
  }

  private runningMeans(at: { step: number; epoch: number }): MetricPoint[] {
    return [
      { ...at, key: 'train.loss', value: this.lossSum / this.count },
      { ...at, key: 'train.acc', value: this.correctSum / this.count },
    ];
  }

  /** The first `validBatches` batches of a fresh validation pass; the pass's unread batches are never built. */
  private *validationBatches(): Generator<DataBatch> {
    let taken = 0;
    for (const batch of this.o.validation()) {
      yield batch;
      if (++taken >= this.o.validBatches) return;
    }
  }

  private hessianEigenvalue(epoch: number): number {
    if (!this.hessianBatch) {
      const first = this.o.validation()[Symbol.iterator]().next();
      if (first.done) throw new Error('the validation split yielded no batch for the Hessian eigenvalue');
      this.hessianBatch = { x: first.value.x, y: first.value.y };
    }
    const batch = this.hessianBatch;
    const { view } = this.o;
    const result = dominantHessianEigenvalue((alphas) => crossEntropy(view.logits(batch.x, alphas), batch.y), [...view.alphas], {
      iters: this.o.hessianIters,
      rng: this.o.rng.fork(`hessian-epoch-${epoch}`),
      archWeightDecay: this.o.archWeightDecay,
      which: 'largest',
    });
    return result.eigenvalue;
  }
}
