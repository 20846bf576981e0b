import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../../src-shared/model/rng';
import type { Genotype } from '../../../../src-shared/model/genotype';
import { nb201ArchString } from '../../../../src-shared/model/genotype-derive';
import { bundleReader, bundleWriter, emptyBundle } from '../../checkpoint/state';
import type { AdamL2, SgdMomentum } from '../../optim/optimizers';
import type { ParamStore } from '../../ops/params';
import { archVariables } from '../../supernet/arch-params';
import { DelegatingSupernet } from '../../supernet/delegating';
import type { ArchParam, CellKind, Supernet } from '../../supernet/types';
import { concentration } from './dirichlet';
import { deriveGenotype, type AlphaSnapshot } from './epoch-report';

/**
 * The parts of DrNAS's progressive learning (xiangning-chen/DrNAS `utils.prune`, `net2wider.py`):
 * which ops an edge keeps, the network whose stages swap, and how the weights, the momentum and
 * α's Adam moments carry over into the wider, pruned network of the next stage.
 */

/**
 * Per row of β, the indices of the `keep` ops of highest Dirichlet concentration elu(β) + 1 (ties:
 * the earlier op), in their original order: the authors' `x.topk(num_keep)` mask.
 */
export function keepTopOps(beta: readonly (readonly number[])[], keep: number): number[][] {
  return beta.map((row, e) => {
    if (!Number.isInteger(keep) || keep < 1 || keep > row.length) throw new Error(`edge ${e} has ${row.length} ops, cannot keep ${keep}`);
    const ranked = row.map((b, k) => ({ k, a: concentration(b).value })).sort((x, y) => y.a - x.a || x.k - y.k);
    return ranked
      .slice(0, keep)
      .map((r) => r.k)
      .sort((x, y) => x - y);
  });
}

/** Op names per cell kind, one list per edge: the ops a stage's network is built on. */
export type StageEdgeOps = Partial<Record<CellKind, readonly (readonly string[])[]>>;

/** Each cell kind's edges reduced to their kept ops (`kept` in `arch` order, per edge): the next stage's op lists. */
export function keptEdgeOps(arch: readonly ArchParam[], kept: readonly (readonly number[])[][]): StageEdgeOps {
  return Object.fromEntries(arch.map((a, i) => [a.kind, a.edgeOps.map((ops, e) => kept[i][e].map((k) => ops[k]))]));
}

/**
 * The genotype of a stage whose edges may each have their own ops: DARTS's derivation reads each
 * edge's list already; on NAS-Bench-201 each edge's arg-max of α (ties: the earlier op, as
 * `deriveNb201Genotype`) is mapped through that edge's own list back to the op's real name.
 */
export function deriveStageGenotype(snapshot: AlphaSnapshot): Genotype {
  if (snapshot.space.kind !== 'nb201') return deriveGenotype(snapshot);
  const cell = snapshot.cells.find((c) => c.kind === 'normal');
  if (!cell) throw new Error(`the alphas have no 'normal' cell (cells: ${snapshot.cells.map((c) => c.kind).join(', ')})`);
  const chosen = cell.alpha.map((row, e) => {
    if (row.length !== cell.edgeOps[e]?.length) throw new Error(`NB201 alpha row ${e} has ${row.length} entries, its edge has ${cell.edgeOps[e]?.length ?? 0} ops`);
    return cell.edgeOps[e][row.reduce((best, v, k) => (v > row[best] ? k : best), 0)];
  });
  return { space: 'nb201', arch: nb201ArchString(chosen) };
}

/**
 * A network whose stages swap it for another (the template holds this one): every read goes to the
 * current stage's network, so the weight trainer, the report and the checkpoint follow the swap.
 */
export class StagedSupernet extends DelegatingSupernet {
  /** The next stage's network; the previous one is freed. */
  replace(next: Supernet): void {
    this.inner.dispose();
    this.inner = next;
  }
}

/** Per axis of a weight, the old index each new entry copies; null where the axis keeps its size. */
export type WidenPlan = (number[] | null)[];

/**
 * net2wider's channel copy: an axis that grows from n to m keeps its n entries and appends m − n
 * copies of entries drawn uniformly (the authors' `torch.randint` in `InChannelWider` and
 * `OutChannelWider`; they chain some indices across an op's layers, we draw each axis afresh).
 */
export function planWidening(name: string, from: readonly number[], to: readonly number[], rng: Rng): WidenPlan {
  if (from.length !== to.length) throw new Error(`${name}: rank ${from.length} cannot become rank ${to.length}`);
  return to.map((m, axis) => {
    const n = from[axis];
    if (m === n) return null;
    if (m < n) throw new Error(`${name}: axis ${axis} would narrow from ${n} to ${m}; the progressive stages only widen`);
    return [...Array.from({ length: n }, (_, i) => i), ...Array.from({ length: m - n }, () => rng.int(n))];
  });
}

/** `t` widened by `plan` (a new tensor; the caller disposes both). */
export function widen(t: tf.Tensor, plan: WidenPlan): tf.Tensor {
  return tf.tidy(() => plan.reduce<tf.Tensor>((x, indices, axis) => (indices ? tf.gather(x, indices, axis) : x), tf.clone(t)));
}

/** Copies every weight of `to` from the same-named weight of `from`, widened; returns the plans by name. */
export function widenWeights(from: ParamStore, to: ParamStore, rng: Rng): Map<string, WidenPlan> {
  const plans = new Map<string, WidenPlan>();
  for (const name of to.names()) {
    const source = from.get(name);
    const target = to.get(name);
    const plan = planWidening(name, source.shape, target.shape, rng);
    const value = widen(source, plan);
    target.assign(value);
    value.dispose();
    plans.set(name, plan);
  }
  return plans;
}

/** The momentum buffers of `from`'s weights moved onto `to`'s, widened as the weights were. */
export function carryMomentum(sgd: SgdMomentum, from: ParamStore, to: ParamStore, plans: Map<string, WidenPlan>): void {
  const saved = emptyBundle();
  const fromNames = from.names();
  sgd.saveState(bundleWriter(saved), from.list());
  const old = bundleReader(saved, 'the previous stage');
  const present = old.json<boolean[]>('present');
  const moved = emptyBundle();
  const out = bundleWriter(moved);
  const toNames = to.names();
  const nowPresent = toNames.map((name) => present[fromNames.indexOf(name)] ?? false);
  out.json('present', nowPresent);
  toNames.forEach((name, j) => {
    if (!nowPresent[j]) return;
    const i = fromNames.indexOf(name);
    const buffer = old.tensor(`buf.${i}`, from.get(name).shape);
    const wide = widen(buffer, plans.get(name)!);
    out.tensor(`buf.${j}`, wide);
    tf.dispose([buffer, wide]);
  });
  sgd.loadState(bundleReader(moved, 'the next stage'), to.list());
}

/** Each row of `rows` [edges, ops] reduced to its kept columns. */
function keptColumns(rows: readonly (readonly number[])[], kept: readonly number[][]): number[][] {
  return rows.map((row, e) => kept[e].map((k) => row[k]));
}

/**
 * α (DrNAS's β) of the next stage: the kept entries of each row, unchanged (`prune` without reset),
 * and α's Adam moments and step count with them (the pruned entries have no gradient afterwards:
 * a renormalized draw over the kept ops does not depend on them).
 */
export function carryArchitecture(adam: AdamL2, from: Supernet, to: Supernet, kept: readonly number[][][]): void {
  from.arch.forEach((a, i) => {
    const value = tf.tensor2d(keptColumns(a.alpha.arraySync(), kept[i]));
    to.arch[i].alpha.assign(value);
    value.dispose();
  });
  const saved = emptyBundle();
  adam.saveState(bundleWriter(saved), archVariables(from));
  const old = bundleReader(saved, 'the previous stage');
  const moved = emptyBundle();
  const out = bundleWriter(moved);
  out.json('t', old.json<number>('t'));
  const present = old.json<boolean[]>('present');
  out.json('present', present);
  archVariables(from).forEach((v, i) => {
    if (!present[i]) return;
    for (const moment of ['m', 'v']) {
      const t = old.tensor(`${moment}.${i}`, v.shape);
      const sliced = tf.tensor2d(keptColumns(t.arraySync() as number[][], kept[i]));
      out.tensor(`${moment}.${i}`, sliced);
      tf.dispose([t, sliced]);
    }
  });
  adam.loadState(bundleReader(moved, 'the next stage'), archVariables(to));
}
