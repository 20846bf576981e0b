import * as tf from '@tensorflow/tfjs';
import { DelegatingSupernet } from './delegating';
import type { CellKind, CellWeights, Supernet } from './types';

/** Few-shot NAS's split: edge `edge` of cell type `cell` fixed to its op number `op`. */
export interface EdgeSplit {
  cell: CellKind;
  edge: number;
  op: number;
}

/**
 * The edge weights with the split edge's row replaced by the one-hot row of its op: whatever a
 * relaxation hands in for that edge (softmax(α), a perturbed or sampled row), the edge computes its
 * op alone, and no gradient reaches that row of α (its entries are constants). Other rows and cell
 * types pass through unchanged. Call inside tf.tidy or a gradient function.
 */
export function fixSplitEdge(weights: CellWeights, split: EdgeSplit): CellWeights {
  const w = weights[split.cell];
  if (!w) return weights;
  const [edges, ops] = w.weights.shape;
  if (split.edge >= edges || split.op >= ops) {
    throw new Error(`the split edge ${split.cell}[${split.edge}] op ${split.op} is outside the cell's [${edges}, ${ops}] edge weights`);
  }
  const keep = new Float32Array(edges * ops).fill(1);
  const fixed = new Float32Array(edges * ops);
  for (let k = 0; k < ops; k++) keep[split.edge * ops + k] = 0;
  fixed[split.edge * ops + split.op] = 1;
  const row = tf.add(tf.mul(w.weights, tf.tensor2d(keep, [edges, ops])), tf.tensor2d(fixed, [edges, ops])) as tf.Tensor2D;
  return { ...weights, [split.cell]: { ...w, weights: row } };
}

/**
 * A sub-supernet of few-shot NAS (Zhao et al., ICML 2021): the supernet `inner` with one edge fixed
 * to one op. It shares the inner network's weights and α (it is a view of it, not a copy: the
 * few-shot search builds one network per sub-supernet and copies the one-shot weights into it), and
 * every forward, whichever method calls it (α's step, the weights' step, the Hessian, validation),
 * mixes the split edge by the one-hot row of its op. The edge's other ops stay in the network with
 * weight 0: their outputs add nothing and their weights get no gradient from the loss.
 */
export class SplitSupernet extends DelegatingSupernet {
  constructor(inner: Supernet, readonly split: EdgeSplit) {
    super(inner);
    const cell = inner.arch.find((a) => a.kind === split.cell);
    if (!cell) throw new Error(`the supernet has no '${split.cell}' cell to split (cells: ${inner.arch.map((a) => a.kind).join(', ')})`);
    const [edges, ops] = cell.alpha.shape;
    if (!Number.isInteger(split.edge) || split.edge < 0 || split.edge >= edges) {
      throw new Error(`split edge ${split.edge} is not an edge of the ${split.cell} cell: pick 0..${edges - 1}`);
    }
    if (!Number.isInteger(split.op) || split.op < 0 || split.op >= ops) throw new Error(`split op ${split.op} is not an op of the edge: pick 0..${ops - 1}`);
  }

  /** The split edge's op name. */
  get opName(): string {
    const cell = this.inner.arch.find((a) => a.kind === this.split.cell);
    return (cell as NonNullable<typeof cell>).edgeOps[this.split.edge][this.split.op];
  }

  override forward(x: tf.Tensor4D, weights: CellWeights): tf.Tensor2D {
    return this.inner.forward(x, fixSplitEdge(weights, this.split));
  }
}

/** Copies of every weight of `net` by name (the caller disposes them): the one-shot weights at the split. */
export function weightsOf(net: Pick<Supernet, 'params'>): Map<string, tf.Tensor> {
  // Fresh buffers: tfjs's clone would share the variable's data, and the search goes on writing it.
  return new Map(net.params.names().map((name) => {
    const v = net.params.get(name);
    return [name, tf.tensor(v.dataSync().slice(), v.shape, v.dtype)];
  }));
}

/**
 * Writes the saved weights into `to` (same space: same names and shapes): the warm start of a
 * sub-supernet from the one-shot supernet's weights.
 */
export function copyWeights(from: ReadonlyMap<string, tf.Tensor>, to: Pick<Supernet, 'params'>): void {
  const names = to.params.names();
  if (names.length !== from.size) {
    throw new Error(`cannot warm-start: the sub-supernet has ${names.length} weights, the one-shot supernet ${from.size}`);
  }
  for (const name of names) {
    const src = from.get(name);
    const dst = to.params.get(name);
    if (!src) throw new Error(`cannot warm-start: the one-shot supernet has no weight '${name}'`);
    if (src.shape.join(',') !== dst.shape.join(',')) throw new Error(`cannot warm-start weight '${name}': shape [${src.shape}] vs [${dst.shape}]`);
    // A fresh buffer, so the sub-supernet's updates never reach the saved one-shot weights.
    const copy = tf.tensor(src.dataSync().slice(), src.shape, src.dtype);
    dst.assign(copy);
    copy.dispose();
  }
}
