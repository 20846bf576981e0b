import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { Nb201Op, Nb201Space } from '../../../src-shared/model/space';
import { ParamStore } from '../ops/params';
import { NB201_OP_FACTORIES } from '../ops/nb201-ops';
import { batchNorm, convFilter, reluConvBn } from '../ops/blocks';
import { conv2d } from '../ops/primitives';
import type { Op, OpContext } from '../ops/types';
import { NB201_EDGE_ENDPOINTS, planNb201Space } from '../spaces/nb201-cells';
import { initArchParam } from './arch-params';
import { edgeNormalizationScale, initEdgeBeta, NB201_NODE_INPUTS } from './edge-normalization';
import { edgeRows, mixedEdge, type EdgeCandidate } from './mixed-edge';
import { partialChannelEdge } from './partial-channels';
import type { NetworkShape, SupernetOptions } from './darts-network';
import type { ArchParam, CellWeights, Supernet } from './types';

type Stage = { kind: 'cell'; edges: EdgeCandidate[][] } | { kind: 'reduce'; block: Op };

/**
 * `edgeOps`: each of the 6 edges' own ops (DrNAS's progressive second stage keeps a different
 * subset of the space's ops per edge), the same number on every edge (one row of α each); absent,
 * every edge has the space's `ops`.
 */
export type Nb201NetworkOptions = Pick<SupernetOptions, 'partialChannels' | 'edgeNormalization'> & { edgeOps?: readonly (readonly Nb201Op[])[] };

/**
 * NAS-Bench-201's search network (AutoDL-Projects TinyNetwork for DARTS/GDAS/SETN): stem conv 3×3
 * to C + BN, three stages of `cellsPerStage` cells (C, 2C, 4C) joined by residual reduction blocks,
 * then BN, ReLU, global average pooling and a linear classifier. Each cell has 4 nodes and 6 mixed
 * edges; node i is the sum of its edges from every earlier node; the cell's output is node 3.
 * `partialChannels` K and `edgeNormalization` are PC-DARTS's (as on the DARTS space; DrNAS's
 * `NAS201SearchCell_PartialChannel` slices and shuffles the same way); `recompute` is not offered here.
 * An edge's weights are named by its op (`stages.i.edges.e.op`), so a network on fewer ops per edge
 * shares the names of the ops it kept.
 */
export class Nb201Supernet implements Supernet {
  readonly space: Nb201Space;
  readonly params: ParamStore;
  readonly arch: readonly ArchParam[];
  readonly numClasses: number;
  readonly noise: Rng;
  private readonly stem: Op;
  private readonly stages: Stage[] = [];
  private readonly lastBn: Op;
  private readonly classifier: { w: tf.Variable; b: tf.Variable };
  private readonly edgeEnds: readonly { to: number; from: number }[];

  private readonly partialChannels: number;

  constructor(spaceInput: unknown, shape: NetworkShape, rng: Rng, options: Nb201NetworkOptions = {}) {
    const plan = planNb201Space(spaceInput);
    const edgeOps = options.edgeOps ? checkEdgeOps(options.edgeOps, plan.space.ops) : plan.edges.map((e) => e.ops);
    const k = (this.partialChannels = options.partialChannels ?? 1);
    if (!Number.isInteger(k) || k < 1 || plan.space.channels % k !== 0) {
      throw new Error(`partialChannels K=${k} must be a positive integer dividing the space's channels (${plan.space.channels}): choose K among the divisors of ${plan.space.channels} or change channels`);
    }
    this.space = plan.space;
    this.numClasses = shape.numClasses;
    this.edgeEnds = plan.edges;
    this.params = new ParamStore(rng.fork('weights'));
    const noiseRng = (this.noise = rng.fork('noise'));
    const ctx = (name: string, affine: boolean): OpContext => ({ params: this.params, name, affine, rng: noiseRng });

    const [c0] = plan.stageChannels;
    const stemW = convFilter(ctx('stem', true), 'conv', 3, shape.inChannels, c0);
    const stemBn = batchNorm(c0, ctx('stem', true), 'bn');
    this.stem = (x) => stemBn(conv2d(x, stemW as tf.Tensor4D, 1));

    let cPrev = c0;
    let index = 0;
    plan.stageChannels.forEach((c, stage) => {
      if (stage > 0) {
        this.stages.push({ kind: 'reduce', block: residualReduction(cPrev, c, ctx(`stages.${index++}`, true)) });
      }
      for (let i = 0; i < plan.space.cellsPerStage; i++) {
        const name = `stages.${index++}`;
        this.stages.push({
          kind: 'cell',
          edges: edgeOps.map((ops, e) =>
            ops.map((op) => ({ op: NB201_OP_FACTORIES[op](c / k, 1, ctx(`${name}.edges.${e}.${op}`, false)), zero: op === 'none' })),
          ),
        });
      }
      cPrev = c;
    });
    this.lastBn = batchNorm(cPrev, ctx('lastact', true), 'bn');
    this.classifier = {
      w: this.params.dense('classifier.w', cPrev, shape.numClasses),
      b: this.params.bias('classifier.b', shape.numClasses, cPrev),
    };
    const arch = initArchParam('normal', edgeOps, rng.fork('alphas'));
    if (options.edgeNormalization) arch.beta = initEdgeBeta(plan.edges.length, rng.fork('betas'));
    this.arch = [arch];
  }

  forward(x: tf.Tensor4D, weights: CellWeights): tf.Tensor2D {
    const w = weights.normal;
    if (!w) throw new Error('forward needs edge weights for the normal (NAS-Bench-201) cells');
    const edges = this.edgeEnds.length;
    if (w.activeOp && w.activeOp.length !== edges) throw new Error(`activeOp has ${w.activeOp.length} entries, the cell has ${edges} edges`);
    const { beta } = this.arch[0];
    // Edge normalization scales each edge's row by the softmax of β over its node's inputs.
    const scaled = beta ? (tf.mul(w.weights, edgeNormalizationScale(beta, NB201_NODE_INPUTS)) as tf.Tensor2D) : w.weights;
    const rows = edgeRows(scaled, edges, this.arch[0].edgeOps[0].length);
    const k = this.partialChannels;
    let h = this.stem(x);
    for (const stage of this.stages) {
      if (stage.kind === 'reduce') {
        h = stage.block(h);
        continue;
      }
      const mixed = (e: number, x: tf.Tensor4D) => mixedEdge(stage.edges[e], 1, x, rows[e], w.activeOp?.[e]);
      h = nb201CellForward(h, this.edgeEnds, k === 1 ? mixed : (e, input) => partialChannelEdge(input, k, 1, (part) => mixed(e, part)));
    }
    const pooled = tf.mean(tf.relu(this.lastBn(h)), [1, 2]) as tf.Tensor2D;
    return tf.add(tf.matMul(pooled, this.classifier.w as tf.Tensor2D), this.classifier.b) as tf.Tensor2D;
  }

  dispose(): void {
    this.params.dispose();
    for (const a of this.arch) {
      a.alpha.dispose();
      a.beta?.dispose();
    }
  }
}

/** The per-edge op lists, checked against the space: 6 lists of the space's ops, equally long, no op twice. */
function checkEdgeOps(edgeOps: readonly (readonly Nb201Op[])[], spaceOps: readonly Nb201Op[]): readonly (readonly Nb201Op[])[] {
  const problems: string[] = [];
  if (edgeOps.length !== NB201_EDGE_ENDPOINTS.length) problems.push(`${edgeOps.length} edge lists were given, the cell has ${NB201_EDGE_ENDPOINTS.length} edges`);
  edgeOps.forEach((ops, e) => {
    if (ops.length === 0 || ops.length !== edgeOps[0].length) problems.push(`edge ${e} has ${ops.length} ops, edge 0 has ${edgeOps[0].length} (one row of α each: every edge needs the same number, at least 1)`);
    const foreign = ops.filter((op) => !spaceOps.includes(op));
    if (foreign.length) problems.push(`edge ${e} lists ${foreign.join(', ')}, which the space's ops (${spaceOps.join(', ')}) do not have`);
    if (new Set(ops).size !== ops.length) problems.push(`edge ${e} lists an op more than once (${ops.join(', ')})`);
  });
  if (problems.length) throw new Error(`invalid per-edge ops for the NAS-Bench-201 network: ${problems.join('; ')}`);
  return edgeOps;
}

/**
 * One NAS-Bench-201 cell: node 0 is the input, node j (1..3) the sum of its incoming edges'
 * outputs, the cell's output node 3. `edgeOutput(e, x)` is edge e applied to its source node's
 * tensor, or null for an edge that adds nothing (a discrete `none`); a node with no term is zeros.
 * Shared by the supernet (mixed edges) and the evaluation network (one op per edge).
 */
export function nb201CellForward(
  input: tf.Tensor4D,
  edges: readonly { from: number; to: number }[],
  edgeOutput: (e: number, x: tf.Tensor4D) => tf.Tensor4D | null,
): tf.Tensor4D {
  const nodes: tf.Tensor4D[] = [input];
  for (let to = 1; to <= 3; to++) {
    const terms: tf.Tensor4D[] = [];
    edges.forEach((edge, e) => {
      if (edge.to !== to) return;
      const out = edgeOutput(e, nodes[edge.from]);
      if (out) terms.push(out);
    });
    nodes.push(terms.length > 0 ? tf.addN(terms) : tf.zerosLike(input));
  }
  return nodes[3];
}

/**
 * NB201's ResNetBasicblock at stride 2: ReLUConvBN 3×3 stride 2 → ReLUConvBN 3×3, plus a shortcut
 * of 2×2 average pooling and a 1×1 conv.
 */
export function residualReduction(inC: number, outC: number, ctx: OpContext): Op {
  const convA = reluConvBn(inC, outC, 3, 2, { ...ctx, name: `${ctx.name}.conv_a` });
  const convB = reluConvBn(outC, outC, 3, 1, { ...ctx, name: `${ctx.name}.conv_b` });
  const shortcut = convFilter(ctx, 'downsample', 1, inC, outC);
  return (x) => {
    const [, h, w] = x.shape;
    if (h % 2 !== 0 || w % 2 !== 0) {
      throw new Error(`a NAS-Bench-201 reduction block needs an even feature map, got ${h}x${w}: use images whose side is divisible by 4`);
    }
    const residual = tf.conv2d(tf.avgPool(x, 2, 2, 'valid'), shortcut as tf.Tensor4D, 1, 'valid');
    return tf.add(residual, convB(convA(x))) as tf.Tensor4D;
  };
}
