import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PcdartsConfig } from '../../../src-shared/model/algorithms/pcdarts';
import { SdartsAdvConfig } from '../../../src-shared/model/algorithms/sdarts';
import { deriveDartsGenotype } from '../../../src-shared/model/genotype-derive';
import { Rng } from '../../../src-shared/model/rng';
import { measureStepBytes } from '../../../src-main/engine/backend/memory';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { PcdartsStrategy } from '../../../src-main/engine/search/oneshot/pcdarts';
import { SdartsAdvStrategy } from '../../../src-main/engine/search/oneshot/sdarts';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { edgeNormalizationScale, edgeNormalizationValues } from '../../../src-main/engine/supernet/edge-normalization';
import { channelShuffle, partialChannelEdge } from '../../../src-main/engine/supernet/partial-channels';
import { randn } from '../ops/gradcheck';
import { TINY_SPACE, recorder, synthetic, syntheticBatch, validationSplit } from '../darts/fixtures';
import { softmax } from '../proxies/tiny-network';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PC-DARTS partial channel connections', () => {
  it('channel shuffle in 4 groups moves channel g·2 + i to i·4 + g (8 channels, by hand)', () => {
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 8]);
    const y = channelShuffle(x, 4);
    expect(Array.from(y.dataSync())).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    tf.dispose([x, y]);
  });

  it('a normal edge mixes its ops on the first C/K channels, passes the rest, and shuffles (K=2, by hand)', () => {
    // One pixel in two positions, channels a0 a1 | b0 b1; the ops triple their share.
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const x = tf.tensor4d(values, [1, 1, 2, 4]);
    const y = partialChannelEdge(x, 2, 1, (part) => tf.mul(part, 3));
    // concat → [3a0, 3a1, b0, b1]; shuffle in 2 groups of 2 → [3a0, b0, 3a1, b1] per pixel.
    expect(Array.from(y.dataSync())).toEqual([3, 3, 6, 4, 15, 7, 18, 8]);
    tf.dispose([x, y]);
  });

  it('a reduction edge max-pools the bypassed channels 2×2 (K=2, by hand)', () => {
    // 2×2 image, 4 channels: channel c at pixel p holds 10·p + c.
    const values: number[] = [];
    for (let p = 0; p < 4; p++) for (let c = 0; c < 4; c++) values.push(10 * p + c);
    const x = tf.tensor4d(values, [1, 2, 2, 4]);
    const y = partialChannelEdge(x, 2, 2, () => tf.fill([1, 1, 1, 2], 7) as tf.Tensor4D);
    // Bypass channels 2 and 3 pooled over the four pixels: 32 and 33; shuffled with the ops' 7s.
    expect(y.shape).toEqual([1, 1, 1, 4]);
    expect(Array.from(y.dataSync())).toEqual([7, 32, 7, 33]);
    tf.dispose([x, y]);
  });

  it('K that does not divide the channels is refused with what to choose', () => {
    expect(() => new DartsSupernet({ ...TINY_SPACE, channels: 6 }, { inChannels: 1, numClasses: 3 }, new Rng(1), { partialChannels: 4 })).toThrow(/divisors of 6/);
    const bad = PcdartsConfig.safeParse({ algorithm: 'pcdarts', space: { ...TINY_SPACE, channels: 6 }, partialChannels: 4 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toMatch(/must divide the space's channels \(6\)/);
    // NAS-Bench-201 takes partial channels too (nb201.test.ts), with the same rule on its channels.
    const nb201 = PcdartsConfig.safeParse({ algorithm: 'pcdarts', space: { kind: 'nb201', channels: 6 }, partialChannels: 4 });
    expect(nb201.error?.issues[0].message).toMatch(/must divide the space's channels \(6\)/);
    const sdartsNb201 = SdartsAdvConfig.safeParse({ algorithm: 'sdarts-adv', space: { kind: 'nb201', channels: 6 }, partialChannels: 4 });
    expect(sdartsNb201.error?.issues[0].message).toMatch(/must divide the space's channels \(6\)/);
    const warm = PcdartsConfig.safeParse({ algorithm: 'pcdarts', space: TINY_SPACE, partialChannels: 2, epochs: 10 });
    expect(warm.error?.issues[0].message).toMatch(/archWarmupEpochs \(15\) must be below epochs \(10\)/);
  });

  it('the authors’ defaults: K=4, batch 256, learning rate 0.1 → 0, α’s Adam at 6e-4, 15 warm-up epochs', () => {
    const c = PcdartsConfig.parse({ algorithm: 'pcdarts', space: { ...TINY_SPACE, channels: 16 } });
    expect([c.partialChannels, c.batchSize, c.learningRate, c.learningRateMin, c.archLearningRate, c.archWarmupEpochs, c.epochs]).toEqual([4, 256, 0.1, 0, 6e-4, 15, 50]);
  });

  it('a step with K=4 holds fewer bytes at its peak than the full DARTS edge (PC-DARTS’s point)', async () => {
    const space = { kind: 'darts', ops: ['skip_connect', 'sep_conv_3x3', 'dil_conv_3x3'], nodes: 2, layers: 3, channels: 8, stemMultiplier: 1 } as const;
    const peak = async (k: number) => {
      const net = new DartsSupernet(space, { inChannels: 1, numClasses: 3 }, new Rng(2), k > 1 ? { partialChannels: k, edgeNormalization: true } : {});
      const { x, y } = syntheticBatch(new Rng(3));
      const { peakBytes } = await measureStepBytes(4, () => {
        const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x as tf.Tensor4D, softmaxWeights(net.arch)), y), net.params.list());
        tf.dispose([value, ...Object.values(grads)]);
      });
      tf.dispose([x, y]);
      net.dispose();
      return peakBytes;
    };
    const full = await peak(1);
    const partial = await peak(4);
    expect(partial).toBeLessThan(0.6 * full);
  });
});

describe('PC-DARTS edge normalization', () => {
  const beta = [0.1, -0.2, 0.3, 0, 0.5];
  const byHand = [...softmax([0.1, -0.2]), ...softmax([0.3, 0, 0.5])];

  it('each node’s incoming edges share a softmax of their β (two nodes, by hand)', () => {
    const b = tf.tensor1d(beta);
    const scale = edgeNormalizationScale(b, 2);
    expect(scale.shape).toEqual([5, 1]);
    Array.from(scale.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(byHand[i], 6));
    edgeNormalizationValues(beta, 2).forEach((v, i) => expect(v).toBeCloseTo(byHand[i], 12));
    tf.dispose([b, scale]);
  });

  const space = { kind: 'darts', ops: ['skip_connect', 'sep_conv_3x3'], nodes: 2, layers: 3, channels: 2, stemMultiplier: 1 } as const;

  it('the network equals the plain network with each edge’s row scaled by its node-wise softmax(β)', () => {
    const net = new DartsSupernet(space, { inChannels: 1, numClasses: 3 }, new Rng(4), { edgeNormalization: true });
    net.arch.forEach((a) => a.beta!.assign(tf.tensor1d(beta)));
    const x = randn(new Rng(5), [2, 6, 6, 1]) as tf.Tensor4D;
    const withBeta = tf.tidy(() => net.forward(x, softmaxWeights(net.arch)));
    // The same weights with β taken away and γ multiplied into the rows by hand.
    const betas = net.arch.map((a) => a.beta!);
    net.arch.forEach((a) => (a.beta = undefined));
    const scaled = tf.tidy(() => {
      const weights = Object.fromEntries(net.arch.map((a) => {
        const rows = (tf.softmax(a.alpha).arraySync() as number[][]).map((row, e) => row.map((w) => w * byHand[e]));
        return [a.kind, { weights: tf.tensor2d(rows) }];
      }));
      return net.forward(x, weights);
    });
    Array.from(scaled.dataSync()).forEach((v, i) => expect(withBeta.dataSync()[i]).toBeCloseTo(v, 5));
    net.arch.forEach((a, i) => (a.beta = betas[i]));
    tf.dispose([x, withBeta, scaled]);
    net.dispose();
  });

  it('β’s gradient is the softmax Jacobian applied to Σ_k W_ek·∂L/∂W′_ek, worked out by hand from the plain network’s gradient', () => {
    // (Central differences in β cross the ReLUs' kinks at any h float32 can resolve; they agree to
    // 3e-4 at h = 2e-3 on most entries, not all. The chain rule below is exact.)
    const net = new DartsSupernet(space, { inChannels: 1, numClasses: 3 }, new Rng(6), { edgeNormalization: true });
    net.arch.forEach((a) => a.beta!.assign(tf.tensor1d(beta)));
    const { x, y } = syntheticBatch(new Rng(7));
    const betas = net.arch.map((a) => a.beta!);
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x as tf.Tensor4D, softmaxWeights(net.arch)), y), betas);
    const analytic = betas.map((b) => Array.from(grads[b.name].dataSync()));
    // ∂L/∂W′ of the plain network at the scaled rows W′ = softmax(α)·γ.
    net.arch.forEach((a) => (a.beta = undefined));
    const soft = net.arch.map((a) => tf.softmax(a.alpha).arraySync() as number[][]);
    const scaledRows = soft.map((rows) => tf.variable(tf.tensor2d(rows.map((row, e) => row.map((w) => w * byHand[e])))));
    const plain = tf.variableGrads(
      () => crossEntropy(net.forward(x as tf.Tensor4D, Object.fromEntries(net.arch.map((a, i) => [a.kind, { weights: scaledRows[i] as tf.Tensor2D }]))), y),
      scaledRows,
    );
    net.arch.forEach((a, i) => {
      const g = plain.grads[scaledRows[i].name].arraySync() as number[][];
      const dGamma = soft[i].map((row, e) => row.reduce((s, w, k) => s + w * g[e][k], 0));
      const expected: number[] = [];
      for (const [start, n] of [[0, 2], [2, 3]]) {
        const seg = byHand.slice(start, start + n);
        const mean = seg.reduce((s, gam, j) => s + gam * dGamma[start + j], 0);
        seg.forEach((gam, j) => expected.push(gam * (dGamma[start + j] - mean)));
      }
      expected.forEach((v, j) => expect(analytic[i][j]).toBeCloseTo(v, 6));
      a.beta = betas[i];
    });
    tf.dispose([value, ...Object.values(grads), plain.value, ...Object.values(plain.grads), ...scaledRows, x, y]);
    net.dispose();
  });

  it('the genotype ranks a node’s edges by op weight × edge weight (the authors’ `_parse(W, W2)`, by hand)', () => {
    const ops = ['none', 'skip_connect', 'sep_conv_3x3'];
    // Node 0: edges 0, 1; node 1: edges 2 (strong skip), 3 (a sep conv), 4 (uniform).
    const alpha = [[0, 1, 0], [0, 0, 1], [0, 2, 0], [0, 0, 1], [0, 0, 0]];
    const plain = deriveDartsGenotype(alpha, alpha, ops, 2);
    expect(plain.normal.slice(2)).toEqual([['skip_connect', 0], ['sep_conv_3x3', 1]]);
    // Edge weights 0.1, 0.2, 0.7 on node 1: strengths 0.079, 0.115, 0.233 → input 2, then input 1.
    const scale = [0.5, 0.5, 0.1, 0.2, 0.7];
    const pc = deriveDartsGenotype(alpha, alpha, ops, 2, { normal: scale, reduce: scale });
    expect(pc.normal.slice(2)).toEqual([['skip_connect', 2], ['sep_conv_3x3', 1]]);
  });
});

describe('PC-DARTS search', () => {
  const data = () => ({ train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 3, validation: validationSplit(5, 1).pass });
  const ctx = <C,>(config: C) => ({ config, rng: new Rng(1), reporter: recorder().reporter, resourcesDir: '' });

  it('keeps α and β still through the warm-up epoch, trains both after it; tensors flat; one final genotype', async () => {
    const rec = recorder();
    const config = PcdartsConfig.parse({ algorithm: 'pcdarts', space: TINY_SPACE, partialChannels: 2, epochs: 2, archWarmupEpochs: 1, reportEvery: 3, validBatches: 1, archLearningRate: 0.05 });
    const s = new PcdartsStrategy({ ...ctx(config), reporter: rec.reporter }, { data: data() });
    const arch = () => ({ alpha: s['net'].arch.flatMap((a) => [...a.alpha.dataSync()]), beta: s['net'].arch.flatMap((a) => [...a.beta!.dataSync()]) });
    const start = arch();
    for (let i = 0; i < 3; i++) await s.step();
    expect(arch()).toEqual(start);
    // The first α step creates Adam's moments; from then on the count stays flat.
    await s.step();
    const count = tf.memory().numTensors;
    let done = false;
    for (let i = 0; i < 2; i++) done = (await s.step()).done;
    expect(done).toBe(true);
    expect(tf.memory().numTensors).toBe(count);
    const end = arch();
    const moved = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(moved(end.alpha, start.alpha)).toBeGreaterThan(1e-4);
    expect(moved(end.beta, start.beta)).toBeGreaterThan(1e-4);
    expect(rec.values('search.valid.loss')).toHaveLength(3);
    expect(rec.genotypes.filter((g) => g.final)).toHaveLength(1);
    s.dispose();
  });

  it('SDARTS-ADV on PC-DARTS runs on the partial-channel network with β, tensors flat', async () => {
    const config = SdartsAdvConfig.parse({ algorithm: 'sdarts-adv', space: TINY_SPACE, partialChannels: 2, epochs: 1, reportEvery: 3, validBatches: 1, attackSteps: 2, hessianEvery: 0 });
    const s = new SdartsAdvStrategy(ctx(config), { data: data() });
    expect(s['net'].arch.every((a) => a.beta !== undefined)).toBe(true);
    await s.step();
    const count = tf.memory().numTensors;
    await s.step();
    await s.step();
    expect(tf.memory().numTensors).toBe(count);
    s.dispose();
  });
});
