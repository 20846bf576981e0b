import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { bundleWriter, emptyBundle, type StateBundle } from '../../../src-main/engine/checkpoint/state';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { DartsEvalNetwork } from '../../../src-main/engine/evaluate/darts-eval-network';
import { gradsInOrder, SgdMomentum } from '../../../src-main/engine/optim/optimizers';
import { publishedDartsCell } from '../../fixtures/published';
import { initBackends, relativeError } from '../backend/compare';

beforeAll(initBackends);

/**
 * Gradient checkpointing per cell must change only memory: the network without it (tfjs's own
 * reverse mode over the whole forward pass) is the reference for the loss, every gradient, the
 * updated weights, the running statistics (moved once per step, not again by the recomputation) and
 * the drop-path generator (the recomputation reuses the forward pass's masks and draws nothing).
 */
const INPUT = { height: 28, width: 28, channels: 1, classes: 10 };
/** 28×28 leaves a 7×7 map at 2/3 depth: the auxiliary head runs. */
const SHAPE = { channels: 4, layers: 3, auxiliary: true, variant: 'cifar' as const };
const BATCH = 8;
/** Float32 sums taken in another order (a tensor's gradients from several cells add up differently); measured 2.2e-7 on wasm. */
const TOLERANCE = 1e-5;

const build = (recompute: boolean) => new DartsEvalNetwork(publishedDartsCell('DARTS_V2'), INPUT, { ...SHAPE, recompute }, new Rng(8));

function snapshot(net: DartsEvalNetwork): StateBundle {
  const bundle = emptyBundle();
  net.saveState(bundleWriter(bundle));
  return bundle;
}

interface StepResult {
  loss: number;
  grads: Float32Array[];
  /** Bytes the step holds once the forward pass is done (what the backward pass will need), above the step's start. */
  forwardBytes: number;
}

/** One step of the evaluation strategy's loss (classifier + 0.4 · auxiliary head) and SGD update. */
function trainStep(net: DartsEvalNetwork, sgd: SgdMomentum, x: tf.Tensor4D, y: tf.Tensor1D, dropPathProb: number): StepResult {
  const weights = net.trainableVariables();
  const start = tf.memory().numBytes;
  let forwardBytes = 0;
  const { value, grads } = tf.variableGrads(() => {
    const { logits, auxLogits } = net.forward(x, { training: true, dropPathProb });
    forwardBytes = tf.memory().numBytes - start;
    return tf.add(crossEntropy(logits, y), tf.mul(crossEntropy(auxLogits!, y), 0.4)) as tf.Scalar;
  }, weights);
  const loss = value.dataSync()[0];
  value.dispose();
  const ordered = gradsInOrder(weights, grads);
  const values = ordered.map((g) => g.dataSync().slice() as Float32Array);
  sgd.step(weights, ordered, 0.05);
  tf.dispose(ordered);
  return { loss, grads: values, forwardBytes };
}

describe('the evaluation network with recompute (gradient checkpointing per cell)', () => {
  it('trains exactly as without it (loss, gradients, weights, running statistics, drop-path draws) on less memory, tensors flat', () => {
    const dataRng = new Rng(3);
    const x = tf.tensor4d(Float32Array.from({ length: BATCH * 28 * 28 }, () => dataRng.normal()), [BATCH, 28, 28, 1]);
    const y = tf.tensor1d(Int32Array.from({ length: BATCH }, () => dataRng.int(10)), 'int32');
    const [plain, recomputed] = [build(false), build(true)];
    const [sgdPlain, sgdRecomputed] = [new SgdMomentum(0.9, 3e-4, false), new SgdMomentum(0.9, 3e-4, false)];
    const initial = snapshot(plain);
    const tensorsAfter: number[] = [];
    // Two steps: the second starts from weights, statistics, momentum and generator the first left.
    for (const dropPathProb of [0.3, 0.5]) {
      const reference = trainStep(plain, sgdPlain, x, y, dropPathProb);
      const result = trainStep(recomputed, sgdRecomputed, x, y, dropPathProb);
      tensorsAfter.push(tf.memory().numTensors);
      expect(Math.abs(result.loss - reference.loss) / Math.abs(reference.loss)).toBeLessThanOrEqual(TOLERANCE);
      expect(result.grads.length).toBe(reference.grads.length);
      reference.grads.forEach((g, i) => expect(relativeError(result.grads[i], g), `gradient ${i}`).toBeLessThanOrEqual(TOLERANCE));
      // Checkpointing keeps only each cell's inputs: well under half of what the plain forward pass holds.
      expect(result.forwardBytes).toBeLessThan(0.5 * reference.forwardBytes);
    }
    // Every weight, auxiliary weight and running statistic, and the drop-path generator's state.
    const [want, got] = [snapshot(plain), snapshot(recomputed)];
    expect([...got.tensors.keys()]).toEqual([...want.tensors.keys()]);
    for (const [name, t] of want.tensors) {
      expect(relativeError(got.tensors.get(name)!.data as Float32Array, t.data as Float32Array), name).toBeLessThanOrEqual(TOLERANCE);
    }
    expect(got.json.get('dropPath')).toEqual(want.json.get('dropPath'));
    // The comparison means something: the steps moved the statistics and drew drop-path masks.
    expect(want.json.get('dropPath')).not.toEqual(initial.json.get('dropPath'));
    const means = [...want.tensors].filter(([name]) => name.endsWith('.running_mean'));
    expect(means.filter(([name]) => name.includes('cells.')).length).toBeGreaterThan(10);
    for (const [name, t] of means) expect(Math.max(...t.data.map(Math.abs)), name).toBeGreaterThan(0);
    expect(tensorsAfter[1]).toBe(tensorsAfter[0]);
    for (const d of [sgdPlain, sgdRecomputed, plain, recomputed]) d.dispose();
    tf.dispose([x, y]);
  });

  it('leaves evaluation mode and a forward pass without gradient as they were', () => {
    const x = tf.tidy(() => tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 5)) as tf.Tensor4D;
    const [plain, recomputed] = [build(false), build(true)];
    const before = tf.memory().numTensors;
    for (const training of [false, true]) {
      const [a, b] = [plain, recomputed].map((net) => tf.tidy(() => net.forward(x, { training, dropPathProb: 0.2 }).logits.dataSync().slice() as Float32Array));
      expect(relativeError(b, a)).toBeLessThanOrEqual(TOLERANCE);
    }
    const [want, got] = [snapshot(plain), snapshot(recomputed)];
    for (const [name, t] of want.tensors) expect(relativeError(got.tensors.get(name)!.data as Float32Array, t.data as Float32Array), name).toBeLessThanOrEqual(TOLERANCE);
    expect(tf.memory().numTensors).toBe(before);
    for (const d of [plain, recomputed, x]) d.dispose();
  });
});

// Resume with recompute: test/unit/checkpoint/resume-strategies.test.ts (the same cell and data as without).
