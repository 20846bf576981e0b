import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvaluationConfig, resolveEvaluation } from '../../../src-shared/model/algorithms/evaluation';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import { createEvaluationStrategy } from '../../../src-main/engine/search/evaluation';
import { resourcesDir } from '../../../src-main/host/paths';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { DartsEvalNetwork } from '../../../src-main/engine/evaluate/darts-eval-network';
import { dataParallelGradients, DataParallelReplica, liveReplicas } from '../../../src-main/engine/evaluate/data-parallel';
import { gradsInOrder } from '../../../src-main/engine/optim/optimizers';
import { publishedDartsCell } from '../../fixtures/published';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { randomValues, relativeError } from '../backend/compare';
import { expectResumeExact } from '../checkpoint/harness';

// The engine's own choice (wasm + training and native kernels), the backend the worker loads too: both sides run the same kernels.
beforeAll(async () => {
  await selectBackend({ allow: ['wasm'] });
});

const GENOTYPE = publishedDartsCell('DARTS_V2');
/** 28×28 leaves a 7×7 map at 2/3 depth: the auxiliary head runs (its loss and gradients are part of the check). */
const INPUT = { height: 28, width: 28, channels: 1, classes: 10 };
const SIZE = { channels: 2, layers: 3, network: 'cifar' as const, auxiliary: true };
const SEED = 8;
const BATCH = 8;
const AUX = 0.4;
const DROP = 0.3;
/**
 * Relative to each gradient's largest entry. Measured 0 for the even batch (weights 1/2 are exact in
 * float32 and the reference's tape adds the halves' contributions as the average does); 7.3e-6 when
 * the main engine lacked the native kernels the worker had (other kernels, other summation orders).
 */
const TOLERANCE = 1e-5;
/**
 * The weights 4/7 and 3/7 round (the tape scales by 1/7 instead): measured 2.3e-5 on one tensor, the
 * 2-channel gradient of a batch-norm weight whose entries are sums that nearly cancel (largest
 * |entry| 0.006, absolute error 1.5e-7); every other tensor within 6e-6.
 */
const ODD_TOLERANCE = 5e-5;

const build = () => new DartsEvalNetwork(GENOTYPE, INPUT, { ...SIZE, variant: 'cifar' }, new Rng(SEED));

/** Moves every weight off its initial value, so a replica that ignored the weights it is sent would differ. */
function perturb(net: DartsEvalNetwork, rng: Rng): void {
  for (const w of net.trainableVariables()) w.assign(tf.tidy(() => tf.add(w, tf.mul(tf.tensor(randomValues(rng, w.size), w.shape), 0.05))));
}

async function waitForNoReplicas(): Promise<void> {
  for (let i = 0; i < 100 && liveReplicas() > 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(liveReplicas()).toBe(0);
}

describe('data-parallel evaluation training (a second engine in a worker thread)', () => {
  it.each([
    ['an even batch: (L(first half) + L(second half)) / 2', BATCH, TOLERANCE],
    ['an odd last batch: the halves weighted by their samples, (4·L(first 4) + 3·L(last 3)) / 7', BATCH - 1, ODD_TOLERANCE],
  ])('averages the halves of %s, each half with its own batch statistics', async (_, n, tolerance) => {
    const rng = new Rng(1);
    const net = build();
    const reference = build();
    perturb(net, new Rng(2));
    perturb(reference, new Rng(2));
    const x = tf.tensor4d(randomValues(rng, n * 28 * 28), [n, 28, 28, 1]);
    const y = tf.tensor1d(Array.from({ length: n }, (_, i) => (3 * i) % 10), 'int32');
    const before = tf.memory().numTensors;
    const replica = await DataParallelReplica.start({ genotype: GENOTYPE, input: INPUT, size: SIZE, seed: SEED }, net.trainableVariables());
    try {
      const weights = net.trainableVariables();
      const parallel = await dataParallelGradients(net, weights, replica, { x, y, epoch: 0 }, { dropPathProb: DROP, auxiliaryWeight: AUX });
      const got = parallel.grads.map((g) => g.dataSync().slice() as Float32Array);
      tf.dispose(parallel.grads);
      expect(tf.memory().numTensors).toBe(before);

      // Independent: one engine, one tape over both halves, each half through its own forward pass
      // (own batch statistics) with its share of the same drop-path draws (the reference network's
      // generator starts where the parallel one did).
      const masks = reference.drawDropPathMasks(n, DROP);
      const half = Math.ceil(n / 2);
      const refWeights = reference.trainableVariables();
      const [xA, xB] = tf.split(x, [half, n - half]) as tf.Tensor4D[];
      const [yA, yB] = tf.split(y, [half, n - half]) as tf.Tensor1D[];
      let correct = 0;
      const halfLoss = (xs: tf.Tensor4D, ys: tf.Tensor1D, part: (f: Float32Array) => Float32Array) => {
        const { logits, auxLogits } = reference.forward(xs, { training: true, dropPathProb: DROP, dropPathMasks: masks.map((c) => c.map((f) => f && part(f))) });
        correct += tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), ys), 'int32')).dataSync()[0]);
        // The half's mean loss times its samples: the sum the whole batch's mean divides by n.
        return tf.mul(tf.add(crossEntropy(logits, ys), tf.mul(crossEntropy(auxLogits!, ys), AUX)), xs.shape[0]);
      };
      const { value, grads } = tf.variableGrads(
        () => tf.div(tf.add(halfLoss(xA, yA, (f) => f.subarray(0, half)), halfLoss(xB, yB, (f) => f.subarray(half))), n) as tf.Scalar,
        refWeights,
      );
      const ordered = gradsInOrder(refWeights, grads);
      const want = ordered.map((g) => g.dataSync().slice() as Float32Array);
      expect(parallel.loss).toBeCloseTo(value.dataSync()[0], 5);
      tf.dispose([value, ...ordered, xA, xB, yA, yB]);
      expect(got).toHaveLength(want.length);
      const worst = Math.max(...got.map((g, i) => relativeError(g, want[i])));
      expect(worst).toBeLessThan(tolerance);
      expect(parallel.correct).toBe(correct);

      // The running statistics come from the first half only (DataParallel keeps replica 0's buffers).
      const firstHalfOnly = build();
      perturb(firstHalfOnly, new Rng(2));
      const firstMasks = firstHalfOnly.drawDropPathMasks(n, DROP).map((c) => c.map((f) => f && f.subarray(0, half)));
      tf.tidy(() => {
        firstHalfOnly.forward(tf.slice(x, 0, half) as tf.Tensor4D, { training: true, dropPathProb: DROP, dropPathMasks: firstMasks });
      });
      const running = (n: DartsEvalNetwork) => n.buffers.list().map((b) => b.dataSync().slice() as Float32Array);
      const [mine, theirs] = [running(net), running(firstHalfOnly)];
      expect(Math.max(...mine.map((b, i) => relativeError(b, theirs[i])))).toBeLessThan(TOLERANCE);
      firstHalfOnly.dispose();
    } finally {
      replica.dispose();
      tf.dispose([x, y]);
      net.dispose();
      reference.dispose();
    }
    await waitForNoReplicas();
  });

  it('draws the same drop-path factors beforehand as a forward pass draws itself', () => {
    const [drawing, drawn] = [build(), build()];
    const x = tf.tensor4d(randomValues(new Rng(5), BATCH * 28 * 28), [BATCH, 28, 28, 1]);
    const masks = drawing.drawDropPathMasks(BATCH, DROP);
    const [given, own] = tf.tidy(() => [
      drawing.forward(x, { training: true, dropPathProb: DROP, dropPathMasks: masks }).logits.dataSync().slice(),
      drawn.forward(x, { training: true, dropPathProb: DROP }).logits.dataSync().slice(),
    ]);
    expect(Array.from(given)).toEqual(Array.from(own));
    tf.dispose(x);
    drawing.dispose();
    drawn.dispose();
  });

  it('an error inside the worker fails the step with the worker\'s message; a stopped replica fails its steps', async () => {
    const net = build();
    const replica = await DataParallelReplica.start({ genotype: GENOTYPE, input: INPUT, size: SIZE, seed: SEED }, net.trainableVariables());
    try {
      const weights = () => net.trainableVariables().map((w) => Float32Array.from(w.dataSync() as Float32Array));
      const half = (w: Float32Array[]) => ({ weights: w, x: new Float32Array(2 * 28 * 28), xShape: [2, 28, 28, 1] as [number, number, number, number], y: new Int32Array(2), options: { dropPathProb: DROP, auxiliaryWeight: AUX } });
      // Two good steps first: the worker's engine holds as many tensors after the second as after the first.
      const [first, second] = [await replica.step(half(weights())), await replica.step(half(weights()))];
      expect(second.tensors).toBe(first.tensors);
      const wrong = weights();
      wrong[0] = new Float32Array(3); // the first weight has 3·3·1·6 values: tfjs refuses this one inside the worker
      const step = replica.step(half(wrong));
      await expect(step).rejects.toThrow(/^the data-parallel worker failed: .*should have \d+ values but has 3/);
      // The worker survives its error: the next step is answered.
      expect((await replica.step(half(weights()))).grads).toHaveLength(net.trainableVariables().length);
      replica.dispose();
      // A training step whose replica half fails: the step fails with the replica's message, this thread's half is freed.
      const batch = { x: tf.zeros([4, 28, 28, 1]) as tf.Tensor4D, y: tf.zeros([4], 'int32') as tf.Tensor1D, epoch: 0 };
      const before = tf.memory().numTensors;
      const training = dataParallelGradients(net, net.trainableVariables(), replica, batch, { dropPathProb: DROP, auxiliaryWeight: AUX });
      await expect(training).rejects.toThrow('the data-parallel worker was stopped');
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([batch.x, batch.y]);
    } finally {
      replica.dispose();
      net.dispose();
    }
    await waitForNoReplicas();
  });

  it('refuses a replica whose network differs from the main one, and ends its thread', async () => {
    const net = build();
    const other = { ...SIZE, channels: 3 };
    await expect(DataParallelReplica.start({ genotype: GENOTYPE, input: INPUT, size: other, seed: SEED }, net.trainableVariables())).rejects.toThrow('other weight shapes');
    net.dispose();
    await waitForNoReplicas();
  });

  it('refuses other engine counts and an odd batch', () => {
    const config = (training: object) => EvaluationConfig.parse({ algorithm: 'evaluation', genotype: GENOTYPE, training });
    expect(() => config({ dataParallel: 3 })).toThrow(/dataParallel must be 1 \(one engine\) or 2/);
    expect(() => resolveEvaluation(config({ dataParallel: 2, batchSize: 7 }))).toThrow('dataParallel 2 splits each batch in two halves: batchSize must be even, got 7');
    expect(resolveEvaluation(config({})).training.dataParallel).toBe(1);
  });

  it('a run with dataParallel 2 completes, resumes bit for bit from mid-run checkpoints, keeps tensors flat and leaves no worker behind', async () => {
    const data = { name: 'embedded', trainLimit: 24, testLimit: 12, augment: { cropPadding: 2, horizontalFlip: true, cutout: 8 } };
    const training = { channels: 2, layers: 3, epochs: 2, batchSize: 8, auxiliaryWeight: 0.4, dropPathProb: 0.2, dataParallel: 2 };
    const config = RunConfig.parse({ algorithm: 'evaluation', genotype: GENOTYPE, dataset: data, training, seed: 4, testBatchSize: 6 }) as EvaluationConfig;
    const quiet = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };
    const strategy = await createEvaluationStrategy({ config, rng: new Rng(4), reporter: quiet, resourcesDir: resourcesDir() });
    expect(liveReplicas()).toBe(1);
    const counts: number[] = [];
    for (let done = false; !done; ) {
      ({ done } = await strategy.step());
      counts.push(tf.memory().numTensors);
    }
    // The first step creates the momentum buffers; after it, nothing may grow on this thread's engine.
    expect(counts).toHaveLength(6);
    expect(new Set(counts.slice(1)).size).toBe(1);
    strategy.dispose();
    await waitForNoReplicas();

    // 24 images in batches of 8: epochs end at steps 3 and 6; restored mid-epoch and at an epoch's end.
    // The harness checks the tensor count is back after every strategy is disposed.
    const { epochEnds } = await expectResumeExact({ algorithm: 'evaluation', genotype: GENOTYPE, dataset: data, training, seed: 4, testBatchSize: 6 }, [2, 3]);
    expect(epochEnds).toEqual([3, 6]);
    await waitForNoReplicas();
  });
});
