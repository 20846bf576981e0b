import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { runningBatchNorm } from '../../../src-main/engine/evaluate/batch-norm';
import { DartsEvalNetwork } from '../../../src-main/engine/evaluate/darts-eval-network';
import { dropPathMask } from '../../../src-main/engine/evaluate/heads';
import { ParamStore } from '../../../src-main/engine/ops/params';
import { publishedDartsCell } from '../../fixtures/published';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('batch norm with running statistics', () => {
  it('normalizes with batch statistics in training, moves the running ones by 0.1, and uses them in evaluation', () => {
    const params = new ParamStore(new Rng(1));
    const buffers = new ParamStore(new Rng(2));
    const mode = { training: true };
    const bn = runningBatchNorm(params, buffers, mode, 1, 'bn');
    // One channel, values 1..8: mean 4.5, biased variance 5.25, unbiased 6 (= 42 / 7).
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const x = tf.tensor4d(values, [2, 2, 2, 1]);
    const train = tf.tidy(() => bn(x).dataSync());
    values.forEach((v, i) => expect(train[i]).toBeCloseTo((v - 4.5) / Math.sqrt(5.25 + 1e-5), 5));
    // PyTorch: running_mean = 0.9·0 + 0.1·4.5; running_var = 0.9·1 + 0.1·6.
    expect(buffers.get('bn.running_mean').dataSync()[0]).toBeCloseTo(0.45, 6);
    expect(buffers.get('bn.running_var').dataSync()[0]).toBeCloseTo(1.5, 6);
    mode.training = false;
    const evaluated = tf.tidy(() => bn(x).dataSync());
    values.forEach((v, i) => expect(evaluated[i]).toBeCloseTo((v - 0.45) / Math.sqrt(1.5 + 1e-5), 5));
    // Evaluation leaves the running statistics alone.
    expect(buffers.get('bn.running_mean').dataSync()[0]).toBeCloseTo(0.45, 6);
    expect(params.names()).toEqual(['bn.weight', 'bn.bias']);
    tf.dispose(x);
    params.dispose();
    buffers.dispose();
  });
});

describe("batch norm's gradient in training mode", () => {
  it('matches central differences of a float64 BatchNorm2d for x, weight and bias (1e-3 relative)', () => {
    const [n, h, w, c] = [2, 3, 2, 3];
    const rng = new Rng(11);
    const xs = Array.from({ length: n * h * w * c }, () => rng.normal() * 2 + 1);
    const gammas = Array.from({ length: c }, () => 0.5 + rng.next());
    const betas = Array.from({ length: c }, () => rng.normal());
    const weightsOfLoss = Array.from({ length: xs.length }, () => rng.normal());
    // L = Σ r ⊙ BatchNorm2d(x), NHWC, batch statistics (biased variance, eps 1e-5), in float64.
    const loss = (x: number[], g: number[], b: number[]) => {
      let total = 0;
      for (let ch = 0; ch < c; ch++) {
        const column = x.filter((_, i) => i % c === ch);
        const mean = column.reduce((a, v) => a + v, 0) / column.length;
        const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
        x.forEach((v, i) => {
          if (i % c === ch) total += weightsOfLoss[i] * (g[ch] * (v - mean) / Math.sqrt(variance + 1e-5) + b[ch]);
        });
      }
      return total;
    };
    const central = (f: (d: number) => number, eps = 1e-5) => (f(eps) - f(-eps)) / (2 * eps);
    const bump = (v: number[], i: number, d: number) => v.map((u, j) => (j === i ? u + d : u));
    const params = new ParamStore(new Rng(1));
    const buffers = new ParamStore(new Rng(2));
    const bn = runningBatchNorm(params, buffers, { training: true }, c, 'bn');
    params.get('bn.weight').assign(tf.tensor1d(gammas));
    params.get('bn.bias').assign(tf.tensor1d(betas));
    const x = tf.tensor4d(xs, [n, h, w, c]);
    const r = tf.tensor4d(weightsOfLoss, [n, h, w, c]);
    const before = tf.memory().numTensors;
    const grads = tf.tidy(() => {
      const [gamma, beta] = [params.get('bn.weight'), params.get('bn.bias')];
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.mul(bn(x), r)) as tf.Scalar, [gamma, beta]);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(bn(input as tf.Tensor4D), r)))(x);
      return [dx, g[gamma.name], g[beta.name]].map((t) => Array.from(t.dataSync()));
    });
    expect(tf.memory().numTensors).toBe(before);
    const expected = [
      xs.map((_, i) => central((d) => loss(bump(xs, i, d), gammas, betas))),
      gammas.map((_, i) => central((d) => loss(xs, bump(gammas, i, d), betas))),
      betas.map((_, i) => central((d) => loss(xs, gammas, bump(betas, i, d)))),
    ];
    expected.forEach((want, k) => want.forEach((v, i) => expect(Math.abs(grads[k][i] - v)).toBeLessThan(1e-3 * Math.max(1, Math.abs(v)))));
    tf.dispose([x, r]);
    params.dispose();
    buffers.dispose();
  });
});

describe('drop-path and the auxiliary head act only in training', () => {
  it('drop-path keeps each sample whole, scaled by 1/(1 − p), or zeroes it', () => {
    const out = tf.tidy(() => tf.mul(tf.ones([64, 2, 2, 3]), dropPathMask(64, 0.25, new Rng(7))).arraySync() as number[][][][]);
    const perSample = out.map((sample) => [...new Set(sample.flat(2))]);
    for (const values of perSample) expect(values.length === 1 && (values[0] === 0 || Math.abs(values[0] - 4 / 3) < 1e-6)).toBe(true);
    const dropped = perSample.filter((v) => v[0] === 0).length;
    // 64 draws with p = 0.25: 16 expected; [4, 28] holds them with probability > 0.999.
    expect(dropped).toBeGreaterThanOrEqual(4);
    expect(dropped).toBeLessThanOrEqual(28);
  });

  it('a 28×28 network gives auxiliary logits and random drop-path only in training mode', () => {
    const net = new DartsEvalNetwork(publishedDartsCell('DARTS_V2'), { height: 28, width: 28, channels: 1, classes: 10 }, { channels: 4, layers: 3, auxiliary: true, variant: 'cifar' }, new Rng(8));
    const x = tf.tidy(() => tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 3)) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const run = (training: boolean, dropPathProb: number) => {
      let aux: number[] | null = null;
      const logits = tf.tidy(() => {
        const out = net.forward(x, { training, dropPathProb });
        aux = out.auxLogits ? out.auxLogits.shape : null;
        return out.logits;
      });
      const values = logits.arraySync();
      logits.dispose();
      return { logits: values, aux };
    };
    const evalA = run(false, 0.5);
    const evalB = run(false, 0.5);
    expect(evalA.aux).toBeNull();
    expect(evalA.logits).toEqual(evalB.logits);
    const trainNoDrop = [run(true, 0), run(true, 0)];
    expect(trainNoDrop[0].aux).toEqual([4, 10]);
    // Batch statistics do not depend on the running ones: without drop-path, training is deterministic.
    expect(trainNoDrop[0].logits).toEqual(trainNoDrop[1].logits);
    expect(run(true, 0.5).logits).not.toEqual(run(true, 0.5).logits);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });
});
