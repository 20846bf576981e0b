import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { Nb201Supernet } from '../../../src-main/engine/supernet/nb201-network';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import type { CellWeights } from '../../../src-main/engine/supernet/types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = { inChannels: 1, numClasses: 3 };

describe('DARTS supernet', () => {
  // 3 layers: reduction cells at 3//3 = 1 and 2·3//3 = 2; one intermediate node (2 edges per cell).
  const tiny = { kind: 'darts', ops: ['skip_connect', 'sep_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 };

  it('counts the parameters of a tiny config as counted by hand', () => {
    const net = new DartsSupernet(tiny, shape, new Rng(1));
    const sepConv = (c: number) => 2 * (9 * c + c * c); // two (depthwise 3x3 + pointwise) pairs, BN without affine
    const stem = 9 * 1 * 2 + 2 * 2; // conv 3x3 1→2, affine BN
    const cell0 = 2 * (2 * 2) + 2 * sepConv(2); // normal, C=2: two 1x1 preprocess convs 2→2; skip is identity
    const cell1 = 2 * (2 * 4) + 2 * (2 * (4 * 2) + sepConv(4)); // reduce, C=4: preprocess 2→4; skip = FactorizedReduce(4,4)
    const cell2 = 2 * (2 * 4) + 4 * 8 + 2 * (2 * (8 * 4) + sepConv(8)); // reduce after reduce: pre0 = FactorizedReduce(2→8), pre1 4→8
    const classifier = 8 * 3 + 3;
    expect(stem + cell0 + cell1 + cell2 + classifier).toBe(1121);
    expect(net.params.count()).toBe(1121);
    net.dispose();
  });

  it('maps [batch, 8, 8, 1] to [batch, classes] and keeps alphas [edges, ops] per cell type, ~1e-3 in size', () => {
    const net = new DartsSupernet({ ...tiny, nodes: 2, layers: 3 }, shape, new Rng(2));
    const logits = tf.tidy(() => net.forward(tf.ones([2, 8, 8, 1]), softmaxWeights(net.arch)));
    expect(logits.shape).toEqual([2, 3]);
    expect(net.arch.map((a) => [a.kind, ...a.alpha.shape])).toEqual([['normal', 5, 2], ['reduce', 5, 2]]);
    const values = net.arch.flatMap((a) => Array.from(a.alpha.dataSync()));
    const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(rms).toBeGreaterThan(2e-4);
    expect(rms).toBeLessThan(3e-3);
    logits.dispose();
    net.dispose();
  });

  it('builds the default DARTS space with all eight ops and the S1–S4 RobustDARTS spaces', async () => {
    const { robustDartsSpace } = await import('../../../src-shared/model/robust-darts');
    for (const space of [{ kind: 'darts', channels: 4, layers: 3 }, ...(['S1', 'S2', 'S3', 'S4'] as const).map((s) => robustDartsSpace(s, { channels: 4, layers: 3 }))]) {
      const net = new DartsSupernet(space, shape, new Rng(3));
      const logits = tf.tidy(() => net.forward(tf.ones([2, 8, 8, 1]), softmaxWeights(net.arch)));
      expect(logits.shape).toEqual([2, 3]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      logits.dispose();
      net.dispose();
    }
  });

  it('with activeOp computes only the chosen op and equals the full forward under the same one-hot weights', () => {
    const net = new DartsSupernet({ ...tiny, ops: ['max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 2 }, shape, new Rng(4));
    const rng = new Rng(5);
    const choice = net.arch.map((a) => a.edgeOps.map(() => rng.int(3)));
    const oneHot = (i: number) => tf.oneHot(choice[i], 3).toFloat() as tf.Tensor2D;
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const full: CellWeights = { normal: { weights: oneHot(0) }, reduce: { weights: oneHot(1) } };
    const single: CellWeights = { normal: { weights: oneHot(0), activeOp: choice[0] }, reduce: { weights: oneHot(1), activeOp: choice[1] } };
    const a = net.forward(x, full).dataSync();
    const b = net.forward(x, single).dataSync();
    b.forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThan(1e-5));
    net.dispose();
  });

  it('rejects a bad space and bad edge weights with a message that names the problem', () => {
    expect(() => new DartsSupernet({ kind: 'darts', channels: 3 }, shape, new Rng(0))).toThrow(/channels must be even/);
    expect(() => new DartsSupernet({ kind: 'darts', ops: ['bogus'] }, shape, new Rng(0))).toThrow(/invalid DARTS space: ops\.0/);
    const net = new DartsSupernet(tiny, shape, new Rng(0));
    expect(() => net.forward(tf.ones([1, 8, 8, 1]), { normal: { weights: tf.ones([2, 2]) } })).toThrow(/reduce cells/);
    expect(() => net.forward(tf.ones([1, 8, 8, 1]), { normal: { weights: tf.ones([2, 2]) }, reduce: { weights: tf.ones([3, 2]) } })).toThrow(/shape \[3, 2\].*\[2, 2\]/);
    net.dispose();
  });
});

describe('NAS-Bench-201 supernet', () => {
  it('counts the parameters of a tiny config as counted by hand and maps 8x8 inputs to logits', () => {
    const net = new Nb201Supernet({ kind: 'nb201', ops: ['skip_connect', 'nor_conv_3x3'], cellsPerStage: 1, channels: 2 }, shape, new Rng(1));
    const cell = (c: number) => 6 * 9 * c * c; // six nor_conv_3x3 edges, BN without affine
    const reduction = (i: number, o: number) => 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o; // conv_a+BN, conv_b+BN, 1x1 shortcut
    const expected = 9 * 2 + 2 * 2 + cell(2) + reduction(2, 4) + cell(4) + reduction(4, 8) + cell(8) + 2 * 8 + 8 * 3 + 3;
    expect(expected).toBe(5769);
    expect(net.params.count()).toBe(5769);
    expect(net.arch[0].alpha.shape).toEqual([6, 2]);
    const logits = tf.tidy(() => net.forward(tf.ones([2, 8, 8, 1]), softmaxWeights(net.arch)));
    expect(logits.shape).toEqual([2, 3]);
    logits.dispose();
    net.dispose();
  });

  it('has all five NB201 ops by default', () => {
    const net = new Nb201Supernet({ kind: 'nb201', cellsPerStage: 1, channels: 2 }, shape, new Rng(1));
    expect(net.arch[0].edgeOps[0]).toEqual(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    const logits = tf.tidy(() => net.forward(tf.ones([1, 8, 8, 1]), softmaxWeights(net.arch)));
    expect(logits.shape).toEqual([1, 3]);
    logits.dispose();
    net.dispose();
  });
});
