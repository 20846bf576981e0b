import * as tf from '@tensorflow/tfjs';
import type { Genotype } from '../../../src-shared/model/genotype';
import { deriveDartsGenotype, deriveNb201Genotype } from '../../../src-shared/model/genotype-derive';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { Rng } from '../../../src-shared/model/rng';
import { meanEntropy } from '../diagnostics/entropy';
import { dominantHessianEigenvalue } from '../diagnostics/hessian';
import { crossEntropy, scoreBatches } from '../evaluate/classification';
import { alphaValues, softmaxWeights } from '../supernet/arch-params';
import type { Supernet } from '../supernet/types';
import type { Batch } from './architect';
import type { Reporter } from './strategy';

/** Current α of every cell type with each row's op names (the `alphas` artifact). */
export interface AlphaSnapshot {
  space: Supernet['space'];
  cells: { kind: string; edgeOps: readonly (readonly string[])[]; alpha: number[][] }[];
}

export function alphaSnapshot(net: Supernet): AlphaSnapshot {
  const values = alphaValues(net);
  return { space: net.space, cells: net.arch.map((a) => ({ kind: a.kind, edgeOps: a.edgeOps, alpha: values[a.kind] })) };
}

/** The discrete cell(s) of the current α: DARTS's `_parse`, or NAS-Bench-201's arg-max per edge. */
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
  return deriveDartsGenotype(normal.alpha, reduce.alpha, { normal: normal.edgeOps, reduce: reduce.edgeOps }, space.nodes);
}

/** L_val(w, softmax(α)) on one fixed batch, as a function of α: what the Hessian diagnostics differentiate. */
export function softmaxValidationLoss(net: Supernet, batch: Batch) {
  return (alphas: readonly tf.Tensor2D[]): tf.Scalar => crossEntropy(net.forward(batch.x, softmaxWeights(net.arch, alphas)), batch.y);
}

export interface EpochReport {
  reporter: Reporter;
  net: Supernet;
  step: number;
  /** Epochs completed (1-based). */
  epoch: number;
  final: boolean;
  /** Scored with softmax(α) weights as `valid.loss` / `valid.acc`; disposed here. */
  validBatches?: Batch[];
  /** When given, the dominant Hessian eigenvalue of L_val w.r.t. α on this batch (disposed by the caller). */
  hessian?: { batch: Batch; iters: number; rng: Rng; archWeightDecay: number };
}

/**
 * The per-epoch diagnostics every one-shot search reports: validation loss and accuracy under
 * softmax(α), mean entropy of softmax(α) per cell type (`alpha.entropy.normal|reduce`), the α
 * themselves (`alphas` artifact), the derived genotype and, when due, RobustDARTS's dominant Hessian
 * eigenvalue of L_val w.r.t. α (`hessian.eigenvalue`). Same keys for DARTS, GDAS, SNAS and PVLL-NAS,
 * so their runs chart side by side.
 */
export async function reportEpoch(r: EpochReport): Promise<void> {
  const at = { step: r.step, epoch: r.epoch };
  const points: MetricPoint[] = [];
  const snapshot = alphaSnapshot(r.net);
  for (const cell of snapshot.cells) points.push({ ...at, key: `alpha.entropy.${cell.kind}`, value: meanEntropy(cell.alpha) });
  if (r.validBatches && r.validBatches.length > 0) {
    const score = await scoreBatches((x) => r.net.forward(x, softmaxWeights(r.net.arch)), r.validBatches.map((b) => ({ ...b, epoch: 0 })));
    points.push({ ...at, key: 'valid.loss', value: score.loss }, { ...at, key: 'valid.acc', value: score.acc });
  }
  if (r.hessian) {
    const { batch, iters, rng, archWeightDecay } = r.hessian;
    const loss = softmaxValidationLoss(r.net, batch);
    const result = dominantHessianEigenvalue((alphas) => loss(alphas as tf.Variable<tf.Rank.R2>[]), r.net.arch.map((a) => a.alpha), {
      iters,
      rng,
      archWeightDecay,
      which: 'largest',
    });
    points.push({ ...at, key: 'hessian.eigenvalue', value: result.eigenvalue });
  }
  r.reporter.metrics(points);
  r.reporter.artifact('alphas', r.step, snapshot);
  r.reporter.genotype(deriveGenotype(snapshot), { step: r.step, epoch: r.epoch, final: r.final });
}
