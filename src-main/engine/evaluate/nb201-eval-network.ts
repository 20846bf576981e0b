import * as tf from '@tensorflow/tfjs';
import { parseNb201Arch } from '../../../src-shared/model/genotype-codec';
import type { Nb201Genotype } from '../../../src-shared/model/genotype';
import type { Nb201Op } from '../../../src-shared/model/space';
import type { Rng } from '../../../src-shared/model/rng';
import { convFilter } from '../ops/blocks';
import { NB201_OP_FACTORIES } from '../ops/nb201-ops';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { ParamStore } from '../ops/params';
import { conv2d } from '../ops/primitives';
import type { Op, OpContext } from '../ops/types';
import { nb201CellForward, residualReduction } from '../supernet/nb201-network';
import { runningBatchNorm, type NetworkMode } from './batch-norm';
import type { EvalForwardOptions, EvalOutput, EvaluationNetwork, ImageInput } from './network';

export interface Nb201EvalShape {
  /** Channels of the first stage (NAS-Bench-201: 16; then 32 and 64). */
  channels: number;
  /** Cells per stage (NAS-Bench-201: N = 5). */
  cellsPerStage: number;
}

export const NB201_EVAL_SHAPE: Nb201EvalShape = { channels: 16, cellsPerStage: 5 };

/** The six edges of an NB201 cell in arch-string order: node `to` reads node `from`. */
const EDGES = [
  { to: 1, from: 0 },
  { to: 2, from: 0 },
  { to: 2, from: 1 },
  { to: 3, from: 0 },
  { to: 3, from: 1 },
  { to: 3, from: 2 },
] as const;

type Stage = { kind: 'cell'; ops: Op[] } | { kind: 'reduce'; block: Op };

/**
 * NAS-Bench-201's network for one cell (AutoDL-Projects TinyNetwork with InferCell): stem conv 3×3
 * to C + BN, three stages of N cells (C, 2C, 4C) joined by residual reduction blocks (ResNet basic
 * block at stride 2: ReLUConvBN 3×3/2, ReLUConvBN 3×3, shortcut 2×2 average pooling + conv 1×1),
 * then BN, ReLU, global average pooling and a linear classifier. Node j of a cell is the sum of its
 * edges from every earlier node; `none` edges are left out of the sum (they add zeros); the cell's
 * output is node 3. Every BN is affine with running statistics. No auxiliary head, no drop-path.
 */
export class Nb201EvalNetwork implements EvaluationNetwork {
  readonly params: ParamStore;
  readonly auxParams: ParamStore;
  readonly buffers: ParamStore;
  readonly mode: NetworkMode = { training: false };
  readonly numClasses: number;
  private readonly stem: Op;
  private readonly stages: Stage[] = [];
  private readonly lastBn: Op;
  private readonly classifier: { w: tf.Variable; b: tf.Variable };
  private readonly edgeOps: Nb201Op[];

  constructor(genotype: Nb201Genotype, readonly input: ImageInput, shape: Nb201EvalShape, rng: Rng) {
    for (const [key, v] of Object.entries({ 'cell channels': shape.channels, cellsPerStage: shape.cellsPerStage, ...input })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`the NAS-Bench-201 network's ${key} must be a positive integer, got ${v}`);
    }
    const arch = parseNb201Arch(genotype.arch).arch;
    this.edgeOps = arch.slice(1, -1).split('|+|').flatMap((group) => group.split('|').map((e) => e.split('~')[0] as Nb201Op));
    this.numClasses = input.classes;
    this.params = new ParamStore(rng.fork('weights'));
    this.auxParams = new ParamStore(rng.fork('auxiliary-weights'));
    this.buffers = new ParamStore(rng.fork('buffers'));
    const opsRng = rng.fork('ops');
    const ctx = (name: string): OpContext => ({
      params: this.params,
      name,
      affine: true,
      rng: opsRng,
      batchNorm: (channels, bnName) => runningBatchNorm(this.params, this.buffers, this.mode, channels, bnName),
    });

    const c0 = shape.channels;
    const stemW = convFilter(ctx('stem'), 'conv', 3, input.channels, c0);
    const stemBn = ctx('stem').batchNorm!(c0, 'stem.bn');
    this.stem = (x) => stemBn(conv2d(x, stemW as tf.Tensor4D, 1));
    let cPrev = c0;
    let index = 0;
    [c0, 2 * c0, 4 * c0].forEach((c, stage) => {
      if (stage > 0) this.stages.push({ kind: 'reduce', block: residualReduction(cPrev, c, ctx(`cells.${index++}`)) });
      for (let i = 0; i < shape.cellsPerStage; i++) {
        const name = `cells.${index++}`;
        this.stages.push({ kind: 'cell', ops: this.edgeOps.map((op, e) => NB201_OP_FACTORIES[op](c, 1, ctx(`${name}.layers.${e}`))) });
      }
      cPrev = c;
    });
    this.lastBn = ctx('lastact').batchNorm!(cPrev, 'lastact.bn');
    this.classifier = {
      w: this.params.dense('classifier.weight', cPrev, input.classes),
      b: this.params.bias('classifier.bias', input.classes, cPrev),
    };
  }

  forward(x: tf.Tensor4D, options: EvalForwardOptions): EvalOutput {
    this.mode.training = options.training;
    let h = this.stem(x);
    for (const stage of this.stages) {
      if (stage.kind === 'reduce') {
        h = stage.block(h);
        continue;
      }
      h = nb201CellForward(h, EDGES, (e, input) => (this.edgeOps[e] === 'none' ? null : stage.ops[e](input)));
    }
    const pooled = tf.mean(tf.relu(this.lastBn(h)), [1, 2]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(pooled, this.classifier.w as tf.Tensor2D), this.classifier.b) as tf.Tensor2D;
    return { logits, auxLogits: null };
  }

  trainableVariables(): tf.Variable[] {
    return this.params.list();
  }

  saveState(out: StateWriter): void {
    this.params.saveState(out.scope('weights'));
    this.auxParams.saveState(out.scope('auxiliary'));
    this.buffers.saveState(out.scope('buffers'));
  }

  loadState(from: StateReader): void {
    this.params.loadState(from.scope('weights'));
    this.auxParams.loadState(from.scope('auxiliary'));
    this.buffers.loadState(from.scope('buffers'));
  }

  dispose(): void {
    this.params.dispose();
    this.auxParams.dispose();
    this.buffers.dispose();
  }
}
