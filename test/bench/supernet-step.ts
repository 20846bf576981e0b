/**
 * The real DARTS supernet's weight step, as the benchmarks time it and as PyTorch's reference script
 * (`pytorch_reference.py`) does it: forward, cross-entropy, backward, gradient clipping at 5, SGD with
 * momentum 0.9 and weight decay 3e-4; α fixed (softmax of the current α).
 */
import * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { Rng } from '../../src-shared/model/rng';
import type { DartsSpace } from '../../src-shared/model/space';
import { DartsSupernet, type SupernetOptions } from '../../src-main/engine/supernet/darts-network';
import { softmaxWeights } from '../../src-main/engine/supernet/arch-params';
import { crossEntropy } from '../../src-main/engine/evaluate/classification';
import { SgdMomentum, clipScale, globalNorm, gradsInOrder } from '../../src-main/engine/optim/optimizers';

export interface SupernetBenchShape {
  label: string;
  /** A DARTS space without its `kind` (the schema's defaults fill the rest). */
  space: Omit<z.input<typeof DartsSpace>, 'kind'>;
  /** [batch, height, width, channels] of the input images. */
  input: [number, number, number, number];
  numClasses: number;
}

/** DARTS's reference supernet of the issue: 28×28×1, C=8, 5 cells, 4 nodes, batch 32. */
export const REFERENCE: SupernetBenchShape = {
  label: 'reference (28x28x1, C=8, 5 cells, 4 nodes, batch 32)',
  space: { layers: 5, channels: 8, nodes: 4, stemMultiplier: 3 },
  input: [32, 28, 28, 1],
  numClasses: 10,
};

/** DARTS's default search network (train_search.py): CIFAR-10 size, C=16, 8 cells, batch 64. */
export const DEFAULT_SIZE: SupernetBenchShape = {
  label: 'DARTS default (32x32x3, C=16, 8 cells, 4 nodes, batch 64)',
  space: { layers: 8, channels: 16, nodes: 4, stemMultiplier: 3 },
  input: [64, 32, 32, 3],
  numClasses: 10,
};

/**
 * DARTS's weight step on `weights` for the loss `loss` builds: backward, clipping at 5, SGD with lr
 * 0.025 (what PyTorch's reference script does); returns the loss. Shared by every bench network.
 */
export function clippedSgdStep(sgd: SgdMomentum, weights: tf.Variable[], loss: () => tf.Scalar): number {
  const { value, grads } = tf.variableGrads(loss, weights);
  const result = value.dataSync()[0];
  value.dispose();
  const ordered = gradsInOrder(weights, grads);
  sgd.step(weights, ordered, 0.025, clipScale(globalNorm(ordered), 5));
  tf.dispose(ordered);
  return result;
}

export interface SupernetStep {
  net: DartsSupernet;
  /** One weight step; returns the loss. */
  step(): number;
  dispose(): void;
}

export function buildSupernetStep(shape: SupernetBenchShape, options: SupernetOptions = {}, seed = 1): SupernetStep {
  const rng = new Rng(seed);
  const net = new DartsSupernet({ kind: 'darts', ...shape.space }, { inChannels: shape.input[3], numClasses: shape.numClasses }, rng.fork('net'), options);
  const dataRng = rng.fork('data');
  const pixels = new Float32Array(shape.input.reduce((a, b) => a * b, 1)).map(() => dataRng.normal());
  const labels = Int32Array.from({ length: shape.input[0] }, () => dataRng.int(shape.numClasses));
  const x = tf.tensor4d(pixels, shape.input);
  const y = tf.tensor1d(labels, 'int32');
  const sgd = new SgdMomentum(0.9, 3e-4);
  const weights = net.params.list();
  return {
    net,
    step: () => clippedSgdStep(sgd, weights, () => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y)),
    dispose: () => {
      sgd.dispose();
      net.dispose();
      tf.dispose([x, y]);
    },
  };
}
