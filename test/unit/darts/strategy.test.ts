import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import { DartsStrategy } from '../../../src-main/engine/search/oneshot/darts';
import { AdamL2, SgdMomentum, cosineLearningRate } from '../../../src-main/engine/optim/optimizers';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { TINY_SPACE, recorder, synthetic, validationSplit } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function strategy(unrolled: boolean, epochs = 2, stepsPerEpoch = 10, extra: Record<string, unknown> = {}) {
  // hessianEvery is left at its default (each epoch); 2 power iterations keep the eigenvalue cheap.
  const config = DartsConfig.parse({ algorithm: 'darts', epochs, unrolled, space: TINY_SPACE, reportEvery: 4, validBatches: 2, hessianIters: 2, ...extra });
  const rec = recorder();
  const s = new DartsStrategy(
    { config, rng: new Rng(1), reporter: rec.reporter, resourcesDir: '' },
    { data: { train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch, validation: validationSplit(5, 3).pass } },
  );
  return { s, ...rec };
}

describe('DARTS strategy', () => {
  for (const unrolled of [false, true]) {
    it(`${unrolled ? 'second' : 'first'}-order: tensor count flat across 20 steps, α moves, done after epochs·stepsPerEpoch`, async () => {
      const { s, metrics, artifacts, values, genotypes } = strategy(unrolled);
      const before = s.alphas().cells[0].alpha.flat();
      await s.step(); // creates the optimizers' state
      const start = tf.memory().numTensors;
      let done = false;
      for (let i = 0; i < 19; i++) done = (await s.step()).done;
      // The default hessianEvery (1) keeps one fixed validation batch (x, y) for the eigenvalue from epoch 1 on.
      expect(tf.memory().numTensors).toBe(start + 2);
      expect(done).toBe(true);
      expect(s.totalSteps).toBe(20);
      expect((await s.step()).done).toBe(true);
      const after = s.alphas().cells[0].alpha.flat();
      expect(after.some((v, i) => Math.abs(v - before[i]) > 1e-5)).toBe(true);
      // Running means every 4 steps of an epoch (4, 8) and at its end (10), twice.
      expect(values('train.loss').map((m) => m.step)).toEqual([4, 8, 10, 14, 18, 20]);
      expect(values('search.valid.loss').length).toBe(20);
      for (const key of ['valid.loss', 'valid.acc', 'alpha.entropy.normal', 'alpha.entropy.reduce', 'genotype.skip.normal', 'train.epoch.loss']) {
        expect(values(key).map((m) => m.step), key).toEqual([10, 20]);
      }
      expect(values('hessian.eigenvalue').map((m) => m.step)).toEqual([10, 20]); // hessianEvery defaults to 1
      expect(metrics.every((m) => Number.isFinite(m.value))).toBe(true);
      expect(artifacts.map((a) => a.step)).toEqual([10, 20]);
      expect(genotypes.map((g) => [g.step, g.epoch, g.final])).toEqual([[10, 1, false], [20, 2, true]]);
      s.dispose();
    });
  }

  it('the view’s logits are a differentiable function of α (what Hessian-vector products need)', () => {
    const { s } = strategy(false, 1, 1);
    const batch = synthetic(4).next();
    const alphas = s.net.arch.map((a) => a.alpha as unknown as tf.Tensor2D);
    const g = tf.grads((...as: tf.Tensor[]) => crossEntropy(s.view.logits(batch.x, as), batch.y))(alphas);
    expect(g.map((t) => t.shape)).toEqual(alphas.map((a) => a.shape));
    expect(g.some((t) => tf.max(tf.abs(t)).dataSync()[0] > 0)).toBe(true);
    s.dispose();
  });
});

describe('optimizers follow the PyTorch update rules', () => {
  it('SGD with momentum and weight decay, two steps by hand', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const sgd = new SgdMomentum(0.9, 0.1);
    sgd.step([w], [tf.tensor1d([0.5, 0.5])], 0.1); // d = g + 0.1·w = [0.6, 0.3]; buf = d; w = [0.94, -2.03]
    sgd.step([w], [tf.tensor1d([0.5, 0.5])], 0.1); // d = [0.594, 0.297]; buf = 0.9·[0.6, 0.3] + d = [1.134, 0.567]
    const v = w.dataSync();
    expect(v[0]).toBeCloseTo(0.94 - 0.1134, 5);
    expect(v[1]).toBeCloseTo(-2.03 - 0.0567, 5);
  });
  it('Adam with L2 weight decay, first step moves each weight by lr·sign(g + wd·w)', () => {
    const p = tf.variable(tf.tensor1d([1, -1]));
    new AdamL2(0.01, 0.5, 0.999, 0.1).step([p], [tf.tensor1d([0.3, 0.05])]); // g + wd·p = [0.4, -0.05]
    const v = p.dataSync();
    expect(v[0]).toBeCloseTo(0.99, 5);
    expect(v[1]).toBeCloseTo(-0.99, 5);
  });
  it('cosine schedule runs from lr to lrMin over the epochs', () => {
    expect(cosineLearningRate(0, 50, 0.025, 0.001)).toBeCloseTo(0.025, 10);
    expect(cosineLearningRate(25, 50, 0.025, 0.001)).toBeCloseTo(0.013, 10);
    expect(cosineLearningRate(50, 50, 0.025, 0.001)).toBeCloseTo(0.001, 10);
  });
});

describe('genotype of the current α', () => {
  it('derives a DARTS cell pair whose edges use only each edge’s candidate ops', async () => {
    const { deriveGenotype } = await import('../../../src-main/engine/search/oneshot/epoch-report');
    const { robustDartsSpace } = await import('../../../src-shared/model/robust-darts');
    const { DartsSupernet } = await import('../../../src-main/engine/supernet/darts-network');
    const net = new DartsSupernet(robustDartsSpace('S2', { channels: 2, layers: 3 }), { inChannels: 1, numClasses: 3 }, new Rng(3));
    const snapshot = { space: net.space, cells: net.arch.map((a) => ({ kind: a.kind, edgeOps: a.edgeOps, alpha: a.alpha.arraySync() })) };
    const g = deriveGenotype(snapshot);
    expect(g.space).toBe('darts');
    if (g.space === 'darts') {
      expect(g.normal.length).toBe(8); // two inputs for each of 4 nodes
      expect(g.normal.every(([op]) => op === 'skip_connect' || op === 'sep_conv_3x3')).toBe(true);
    }
    net.dispose();
  });
});
