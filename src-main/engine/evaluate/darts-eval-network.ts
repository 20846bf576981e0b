import * as tf from '@tensorflow/tfjs';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import type { Rng, RngState } from '../../../src-shared/model/rng';
import { convFilter, factorizedReduce, reluConvBn } from '../ops/blocks';
import { evalOpFactory } from '../ops/eval-ops';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { ParamStore } from '../ops/params';
import { conv2d, strided, type Stride } from '../ops/primitives';
import type { Op, OpContext } from '../ops/types';
import { checkpointed } from '../supernet/checkpoint';
import { runningBatchNorm, type NetworkMode } from './batch-norm';
import { auxiliaryHead, dropPathFactors, dropPathMask, maskTensor, type AuxiliaryHead } from './heads';
import type { DropPathMasks, EvalForwardOptions, EvalOutput, EvaluationNetwork, ImageInput } from './network';

export interface DartsEvalShape {
  /** Initial channels C (DARTS CIFAR-10: 36; ImageNet: 48). */
  channels: number;
  /** Number of cells (CIFAR-10: 20; ImageNet: 14); reduction cells at layers//3 and 2·layers//3. */
  layers: number;
  /** Build the auxiliary head at 2·layers//3 (trained, never counted, never run in evaluation mode). */
  auxiliary: boolean;
  /** 'cifar': NetworkCIFAR's stem; 'imagenet': NetworkImageNet's stem0/stem1 (three stride-2 convs). */
  variant: 'cifar' | 'imagenet';
  /**
   * Gradient checkpointing per cell in training mode: the forward pass keeps only each cell's
   * inputs, the backward pass recomputes the cell (same drop-path masks, running statistics moved
   * once). ~51 MiB of wasm heap per CIFAR sample at C=36, 20 cells instead of ~300 (batch 64 fits
   * the 4 GiB heap, DARTS's 96 not yet: docs/performance.md), one more cell forward per step.
   */
  recompute?: boolean;
}

interface CellEdge {
  op: Op;
  input: number;
  /** DARTS skips drop-path on Identity ops (skip_connect at stride 1). */
  identity: boolean;
}

interface EvalCell {
  /** The cell's own weights (preprocessing and edges), the variables of its checkpointed backward. */
  variables: tf.Variable[];
  pre0: Op;
  pre1: Op;
  edges: CellEdge[];
  concat: number[];
}

/** Checks what DARTS's Cell assumes of a genotype: two inputs per node, earlier states only, concat within the nodes. */
function checkGenotype(g: DartsGenotype): void {
  for (const kind of ['normal', 'reduce'] as const) {
    const pairs = g[kind];
    if (pairs.length % 2 !== 0) throw new Error(`the ${kind} cell has ${pairs.length} (op, input) pairs; DARTS cells have two per node`);
    pairs.forEach(([op, input], i) => {
      evalOpFactory(op);
      const node = i >> 1;
      if (input > node + 1) throw new Error(`the ${kind} cell's pair ${i} ('${op}', ${input}) reads state ${input}, but node ${node} can read states 0..${node + 1}`);
    });
    const concat = g[`${kind}_concat`];
    const states = pairs.length / 2 + 2;
    const bad = concat.find((c) => c < 0 || c >= states);
    if (bad !== undefined) throw new Error(`${kind}_concat names state ${bad}; the cell has states 0..${states - 1}`);
  }
}

/**
 * DARTS's evaluation networks (quark0/darts cnn/model.py), NHWC: NetworkCIFAR (stem conv 3×3 to
 * 3C + BN) or NetworkImageNet (stem0: conv 3×3/2 to C/2, BN, ReLU, conv 3×3/2 to C, BN; stem1:
 * ReLU, conv 3×3/2, BN), then `layers` cells of the genotype (C doubled at the reduction cells
 * layers//3 and 2·layers//3; preprocessing FactorizedReduce after a reduction cell, ReLUConvBN 1×1
 * otherwise; each node the sum of two ops; the cell's output the concatenation of its concat
 * list), drop-path on every non-identity op in training, the auxiliary head after cell
 * 2·layers//3, global average pooling and a linear classifier. Every BN is affine with running
 * statistics. Weights of the auxiliary head sit in their own store, so `params` is what papers count.
 */
export class DartsEvalNetwork implements EvaluationNetwork {
  readonly params: ParamStore;
  readonly auxParams: ParamStore;
  readonly buffers: ParamStore;
  readonly mode: NetworkMode = { training: false };
  readonly numClasses: number;
  private readonly stem: Op;
  /** NetworkImageNet's second stem (its output is the second cell input); null for NetworkCIFAR. */
  private readonly stem1: Op | null = null;
  private readonly cells: EvalCell[] = [];
  private readonly auxHead: AuxiliaryHead | null;
  private readonly auxAfter: number;
  private readonly classifier: { w: tf.Variable; b: tf.Variable };
  private readonly dropRng: Rng;

  constructor(genotype: DartsGenotype, readonly input: ImageInput, readonly shape: DartsEvalShape, rng: Rng) {
    checkGenotype(genotype);
    for (const [key, v] of Object.entries({ 'cell channels': shape.channels, layers: shape.layers, ...input })) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`the evaluation network's ${key} must be a positive integer, got ${v}`);
    }
    if (shape.variant === 'imagenet' && shape.channels % 2 !== 0) throw new Error(`NetworkImageNet halves C in its stem: channels must be even, got ${shape.channels}`);
    this.numClasses = input.classes;
    this.params = new ParamStore(rng.fork('weights'));
    this.auxParams = new ParamStore(rng.fork('auxiliary-weights'));
    this.buffers = new ParamStore(rng.fork('buffers'));
    this.dropRng = rng.fork('drop-path');
    const ctxIn = (store: ParamStore, name: string): OpContext => ({
      params: store,
      name,
      affine: true,
      rng: rng.fork('ops'),
      batchNorm: (channels, bnName) => runningBatchNorm(store, this.buffers, this.mode, channels, bnName),
    });
    const ctx = (name: string) => ctxIn(this.params, name);

    const { channels: c0, layers } = shape;
    let size = input.height;
    let sizeW = input.width;
    let cPrevPrev: number;
    let cPrev: number;
    let reductionPrev: boolean;
    if (shape.variant === 'cifar') {
      const stemC = 3 * c0;
      const w = convFilter(ctx('stem'), 'conv', 3, input.channels, stemC);
      const bn = ctx('stem').batchNorm!(stemC, 'stem.bn');
      this.stem = (x) => bn(conv2d(x, w as tf.Tensor4D, 1));
      [cPrevPrev, cPrev, reductionPrev] = [stemC, stemC, false];
    } else {
      const w0a = convFilter(ctx('stem0'), 'conv1', 3, input.channels, c0 / 2);
      const bn0a = ctx('stem0').batchNorm!(c0 / 2, 'stem0.bn1');
      const w0b = convFilter(ctx('stem0'), 'conv2', 3, c0 / 2, c0);
      const bn0b = ctx('stem0').batchNorm!(c0, 'stem0.bn2');
      const stem1 = reluConvBn(c0, c0, 3, 2, ctx('stem1'));
      const stem0: Op = (x) => bn0b(conv2d(tf.relu(bn0a(conv2d(x, w0a as tf.Tensor4D, 2))), w0b as tf.Tensor4D, 2));
      this.stem = stem0;
      this.stem1 = stem1;
      for (let i = 0; i < 3; i++) [size, sizeW] = [strided(size, 2), strided(sizeW, 2)];
      [cPrevPrev, cPrev, reductionPrev] = [c0, c0, true];
    }

    let c = c0;
    let auxChannels = 0;
    let auxSize: [number, number] = [size, sizeW];
    this.auxAfter = Math.floor((2 * layers) / 3);
    for (let i = 0; i < layers; i++) {
      const reduction = i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3);
      if (reduction) {
        c *= 2;
        [size, sizeW] = [strided(size, 2), strided(sizeW, 2)];
      }
      const name = `cells.${i}`;
      const pairs = reduction ? genotype.reduce : genotype.normal;
      const concat = reduction ? genotype.reduce_concat : genotype.normal_concat;
      const before = this.params.list().length;
      this.cells.push({
        variables: [],
        pre0: reductionPrev ? factorizedReduce(cPrevPrev, c, ctx(`${name}.preprocess0`)) : reluConvBn(cPrevPrev, c, 1, 1, ctx(`${name}.preprocess0`)),
        pre1: reluConvBn(cPrev, c, 1, 1, ctx(`${name}.preprocess1`)),
        edges: pairs.map(([op, index], j) => {
          const stride: Stride = reduction && index < 2 ? 2 : 1;
          return { op: evalOpFactory(op)(c, stride, ctx(`${name}._ops.${j}`)), input: index, identity: op === 'skip_connect' && stride === 1 };
        }),
        concat: [...concat],
      });
      this.cells[i].variables = this.params.list().slice(before);
      reductionPrev = reduction;
      [cPrevPrev, cPrev] = [cPrev, concat.length * c];
      if (i === this.auxAfter) [auxChannels, auxSize] = [cPrev, [size, sizeW]];
    }
    this.auxHead = shape.auxiliary
      ? auxiliaryHead(auxChannels, auxSize, input.classes, shape.variant, (name) => ctxIn(this.auxParams, `auxiliary_head.${name}`))
      : null;
    this.classifier = {
      w: this.params.dense('classifier.weight', cPrev, input.classes),
      b: this.params.bias('classifier.bias', input.classes, cPrev),
    };
  }

  forward(x: tf.Tensor4D, options: EvalForwardOptions): EvalOutput {
    this.mode.training = options.training;
    const drop = options.training ? options.dropPathProb : 0;
    const recompute = options.training && this.shape.recompute === true;
    let s0 = this.stem(x);
    let s1 = this.stem1 ? this.stem1(s0) : s0;
    let auxLogits: tf.Tensor2D | null = null;
    this.cells.forEach((cell, i) => {
      // Drawn in edge order before the cell runs: the generator advances as it always did, with or without recompute.
      const given = options.training ? options.dropPathMasks?.[i] : undefined;
      const masks = given
        ? given.map((factors) => (factors ? maskTensor(factors) : null))
        : cell.edges.map((edge) => (drop > 0 && !edge.identity ? dropPathMask(x.shape[0], drop, this.dropRng) : null));
      [s0, s1] = [s1, recompute ? this.checkpointedCell(cell, s0, s1, masks) : this.cellForward(cell, s0, s1, masks)];
      if (i === this.auxAfter && this.auxHead && options.training) auxLogits = this.auxHead(s1);
    });
    const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(pooled, this.classifier.w as tf.Tensor2D), this.classifier.b) as tf.Tensor2D;
    return { logits, auxLogits };
  }

  drawDropPathMasks(n: number, dropPathProb: number): DropPathMasks {
    return this.cells.map((cell) => cell.edges.map((edge) => (dropPathProb > 0 && !edge.identity ? dropPathFactors(n, dropPathProb, this.dropRng) : null)));
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.list(), ...this.auxParams.list()];
  }

  saveState(out: StateWriter): void {
    this.params.saveState(out.scope('weights'));
    this.auxParams.saveState(out.scope('auxiliary'));
    this.buffers.saveState(out.scope('buffers'));
    out.json('dropPath', this.dropRng.getState());
  }

  loadState(from: StateReader): void {
    this.params.loadState(from.scope('weights'));
    this.auxParams.loadState(from.scope('auxiliary'));
    this.buffers.loadState(from.scope('buffers'));
    this.dropRng.setState(from.json<RngState>('dropPath'));
  }

  dispose(): void {
    this.params.dispose();
    this.auxParams.dispose();
    this.buffers.dispose();
  }

  /**
   * The cell under gradient checkpointing. The masks are inputs of the checkpointed block (tfjs
   * disposes the forward pass's other tensors before the backward pass): the recomputation drops the
   * samples the forward pass dropped. The block's first run is the forward pass and moves the batch
   * norms' running statistics, the second is the backward's recomputation and leaves them alone.
   */
  private checkpointedCell(cell: EvalCell, s0: tf.Tensor4D, s1: tf.Tensor4D, masks: (tf.Tensor4D | null)[]): tf.Tensor4D {
    const drawn = masks.filter((m): m is tf.Tensor4D => m !== null);
    let runs = 0;
    const block = ([a, b, ...given]: tf.Tensor[]): tf.Tensor => {
      let k = 0;
      const cellMasks = masks.map((m) => (m ? (given[k++] as tf.Tensor4D) : null));
      const frozen = this.mode.statisticsFrozen;
      const training = this.mode.training;
      this.mode.training = true;
      this.mode.statisticsFrozen = runs++ > 0;
      try {
        return this.cellForward(cell, a as tf.Tensor4D, b as tf.Tensor4D, cellMasks);
      } finally {
        this.mode.training = training;
        this.mode.statisticsFrozen = frozen;
      }
    };
    return checkpointed(block, [s0, s1, ...drawn], cell.variables) as tf.Tensor4D;
  }

  /** `masks[j]`: edge j's drop-path factors per sample, null where it has none. */
  private cellForward(cell: EvalCell, s0: tf.Tensor4D, s1: tf.Tensor4D, masks: (tf.Tensor4D | null)[]): tf.Tensor4D {
    const states = [cell.pre0(s0), cell.pre1(s1)];
    for (let j = 0; j < cell.edges.length; j += 2) {
      const terms = [j, j + 1].map((e) => {
        const h = cell.edges[e].op(states[cell.edges[e].input]);
        const mask = masks[e];
        return mask ? (tf.mul(h, mask) as tf.Tensor4D) : h;
      });
      states.push(tf.add(terms[0], terms[1]) as tf.Tensor4D);
    }
    return cell.concat.length === 1 ? states[cell.concat[0]] : tf.concat(cell.concat.map((k) => states[k]), 3);
  }
}
