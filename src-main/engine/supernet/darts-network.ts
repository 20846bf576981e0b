import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { DartsSpace } from '../../../src-shared/model/space';
import { ParamStore } from '../ops/params';
import { dartsEdgeOp } from '../ops/darts-ops';
import { batchNorm, convFilter, factorizedReduce, reluConvBn } from '../ops/blocks';
import { conv2d, type Stride } from '../ops/primitives';
import type { Op, OpContext } from '../ops/types';
import { planDartsSpace, type DartsEdge } from '../spaces/darts-cells';
import { initArchParam } from './arch-params';
import { edgeNormalizationScale, initEdgeBeta } from './edge-normalization';
import { partialChannelEdge } from './partial-channels';
import { checkpointed } from './checkpoint';
import { checkEdgeWeights, edgeRow, edgeRows, mixedEdge, type EdgeCandidate } from './mixed-edge';
import type { ActivePaths, ArchParam, CellKind, CellWeights, EdgeWeights, Supernet } from './types';

export interface NetworkShape {
  /** Image channels (1 for (Fashion-)MNIST, 3 for CIFAR). */
  inChannels: number;
  numClasses: number;
}

interface BuiltEdge {
  input: number;
  /** The edge's own weights, the inputs of its checkpointed backward. */
  variables: tf.Variable[];
  stride: Stride;
  candidates: EdgeCandidate[];
}

/** Whether any edge of the planned cells has RobustDARTS's `noise` op (which recomputation cannot replay). */
export function dartsPlanUsesNoise(plan: ReturnType<typeof planDartsSpace>): boolean {
  return [...plan.edges.normal, ...plan.edges.reduce].some((edge) => edge.ops.includes('noise'));
}

export interface SupernetOptions {
  /**
   * Recomputation (gradient checkpointing) for a step that does not fit the memory: `cells` keeps
   * only each cell's inputs during the forward pass and recomputes the cell in the backward pass
   * (one cell's activations at a time); `edges` does so per mixed edge (one edge's at a time, the
   * cell states kept). Each costs about one more forward pass of time. Chosen by
   * supernet/memory-plan.ts. Not with RobustDARTS's `noise` op (it draws anew per call).
   */
  recompute?: 'cells' | 'edges';
  /**
   * PC-DARTS's partial channel connections: each edge mixes its ops on 1/K of its channels
   * (supernet/partial-channels.ts); 1 (the default) is DARTS's full edge.
   */
  partialChannels?: number;
  /** PC-DARTS's edge normalization: a β per edge, node-wise softmax (supernet/edge-normalization.ts). */
  edgeNormalization?: boolean;
}

interface BuiltCell {
  kind: CellKind;
  /** The cell's own weights (preprocessing and edges), the inputs of its checkpointed backward. */
  variables: tf.Variable[];
  preprocess0: Op;
  preprocess1: Op;
  edges: BuiltEdge[];
}

/**
 * DARTS's search network (`model_search.py` Network): stem conv 3×3 to stemMultiplier·C + BN,
 * `layers` cells (reduction cells at layers//3 and 2·layers//3 double C), each cell's output the
 * concatenation of its `nodes` intermediate nodes, global average pooling and a linear classifier.
 * Cell weights use BN without affine parameters; the stem BN is affine (as in DARTS).
 */
export class DartsSupernet implements Supernet {
  readonly space: DartsSpace;
  readonly params: ParamStore;
  readonly arch: readonly ArchParam[];
  readonly numClasses: number;
  readonly noise: Rng;
  private readonly stem: Op;
  private readonly cells: BuiltCell[] = [];
  private readonly classifier: { w: tf.Variable; b: tf.Variable };

  constructor(spaceInput: unknown, shape: NetworkShape, rng: Rng, readonly options: SupernetOptions = {}) {
    const plan = planDartsSpace(spaceInput);
    const space = plan.space;
    if (options.recompute && dartsPlanUsesNoise(plan)) {
      throw new Error("recompute (gradient checkpointing) cannot be used with the 'noise' op: it draws new noise when a cell is recomputed; remove 'noise' or lower the batch size instead");
    }
    const k = options.partialChannels ?? 1;
    if (!Number.isInteger(k) || k < 1 || space.channels % k !== 0) {
      throw new Error(`partialChannels K=${k} must be a positive integer dividing the space's channels (${space.channels}): choose K among the divisors of ${space.channels} or change channels`);
    }
    this.space = space;
    this.numClasses = shape.numClasses;
    this.params = new ParamStore(rng.fork('weights'));
    const noiseRng = (this.noise = rng.fork('noise'));
    const ctx = (name: string, affine = false): OpContext => ({ params: this.params, name, affine, rng: noiseRng });

    const stemC = space.stemMultiplier * space.channels;
    const stemCtx = ctx('stem', true);
    const stemW = convFilter(stemCtx, 'conv', 3, shape.inChannels, stemC);
    const stemBn = batchNorm(stemC, stemCtx, 'bn');
    this.stem = (x) => stemBn(conv2d(x, stemW as tf.Tensor4D, 1));

    let cPrevPrev = stemC;
    let cPrev = stemC;
    let c = space.channels;
    let reductionPrev = false;
    plan.reduction.forEach((reduction, layer) => {
      if (reduction) c *= 2;
      const kind: CellKind = reduction ? 'reduce' : 'normal';
      const name = `cells.${layer}`;
      const before = this.params.list().length;
      this.cells.push({
        kind,
        variables: [],
        preprocess0: reductionPrev ? factorizedReduce(cPrevPrev, c, ctx(`${name}.pre0`)) : reluConvBn(cPrevPrev, c, 1, 1, ctx(`${name}.pre0`)),
        preprocess1: reluConvBn(cPrev, c, 1, 1, ctx(`${name}.pre1`)),
        edges: plan.edges[kind].map((edge, e) => this.buildEdge(edge, c, reduction, (op) => ctx(`${name}.edges.${e}.${op}`))),
      });
      this.cells[this.cells.length - 1].variables = this.params.list().slice(before);
      reductionPrev = reduction;
      cPrevPrev = cPrev;
      cPrev = space.nodes * c;
    });
    this.classifier = {
      w: this.params.dense('classifier.w', cPrev, shape.numClasses),
      b: this.params.bias('classifier.b', shape.numClasses, cPrev),
    };
    const archRng = rng.fork('alphas');
    const arch = (['normal', 'reduce'] as const).map((kind) => initArchParam(kind, plan.edges[kind].map((e) => e.ops), archRng));
    if (options.edgeNormalization) {
      const betaRng = rng.fork('betas');
      for (const a of arch) a.beta = initEdgeBeta(a.edgeOps.length, betaRng);
    }
    this.arch = arch;
  }

  forward(x: tf.Tensor4D, weights: CellWeights): tf.Tensor2D {
    const perKind = new Map<CellKind, { weights: tf.Tensor2D; rows: tf.Tensor2D[]; active?: readonly ActivePaths[] }>();
    for (const a of this.arch) {
      const w: EdgeWeights | undefined = weights[a.kind];
      if (!w) throw new Error(`forward needs edge weights for the ${a.kind} cells`);
      if (w.activeOp && w.activeOp.length !== a.edgeOps.length) {
        throw new Error(`activeOp for the ${a.kind} cells has ${w.activeOp.length} entries, the cell has ${a.edgeOps.length} edges`);
      }
      const edges = a.edgeOps.length;
      const ops = a.edgeOps[0].length;
      // Recomputed cells and edges slice their rows inside the checkpoint: the matrix is their input.
      checkEdgeWeights(w.weights, edges, ops);
      // Edge normalization scales each edge's row by its node-wise softmax(β): the mixed edge is linear in its row.
      const scaled = a.beta ? (tf.mul(w.weights, edgeNormalizationScale(a.beta, this.space.nodes)) as tf.Tensor2D) : w.weights;
      const rows = this.options.recompute ? [] : edgeRows(scaled, edges, ops);
      perKind.set(a.kind, { weights: scaled, rows, active: w.activeOp });
    }
    let s0 = this.stem(x);
    let s1 = s0;
    for (const cell of this.cells) {
      const { weights: w, rows, active } = perKind.get(cell.kind)!;
      const out =
        this.options.recompute === 'cells'
          ? (checkpointed(([a, b, m]) => this.cellForward(cell, a as tf.Tensor4D, b as tf.Tensor4D, m as tf.Tensor2D, null, active), [s0, s1, w], cell.variables) as tf.Tensor4D)
          : this.cellForward(cell, s0, s1, w, this.options.recompute === 'edges' ? null : rows, active);
      s0 = s1;
      s1 = out;
    }
    const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, this.classifier.w as tf.Tensor2D), this.classifier.b) as tf.Tensor2D;
  }

  dispose(): void {
    this.params.dispose();
    for (const a of this.arch) {
      a.alpha.dispose();
      a.beta?.dispose();
    }
  }

  /** rows: the edges' weight rows, or null to slice them per edge (inside the checkpoint when recomputing). */
  private cellForward(cell: BuiltCell, s0: tf.Tensor4D, s1: tf.Tensor4D, weights: tf.Tensor2D, rows: tf.Tensor2D[] | null, active?: readonly ActivePaths[]): tf.Tensor4D {
    const states = [cell.preprocess0(s0), cell.preprocess1(s1)];
    const perEdge = this.options.recompute === 'edges';
    let e = 0;
    for (let node = 0; node < this.space.nodes; node++) {
      const inputs: tf.Tensor4D[] = [];
      for (let i = 0; i < node + 2; i++, e++) {
        const edge = cell.edges[e];
        const at = e;
        const k = this.options.partialChannels ?? 1;
        const mixed = (x: tf.Tensor4D, m: tf.Tensor2D) => mixedEdge(edge.candidates, edge.stride, x, rows ? rows[at] : edgeRow(m, at), active?.[at]);
        const run = k === 1 ? mixed : (x: tf.Tensor4D, m: tf.Tensor2D) => partialChannelEdge(x, k, edge.stride, (part) => mixed(part, m));
        inputs.push(
          perEdge
            ? (checkpointed(([x, m]) => run(x as tf.Tensor4D, m as tf.Tensor2D), [states[edge.input], weights], edge.variables) as tf.Tensor4D)
            : run(states[edge.input], weights),
        );
      }
      states.push(tf.addN(inputs));
    }
    return tf.concat(states.slice(2), 3);
  }

  private buildEdge(edge: DartsEdge, c: number, reduction: boolean, ctxFor: (op: string) => OpContext): BuiltEdge {
    const stride: Stride = reduction && edge.input < 2 ? 2 : 1;
    const before = this.params.list().length;
    const width = c / (this.options.partialChannels ?? 1);
    const candidates = edge.ops.map((op) => ({ op: dartsEdgeOp(op)(width, stride, ctxFor(op)), zero: op === 'none' }));
    return { input: edge.input, stride, candidates, variables: this.params.list().slice(before) };
  }
}
