import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FewshotConfig, subSupernetOps } from '../../../src-shared/model/algorithms/fewshot';
import { Rng } from '../../../src-shared/model/rng';
import { FewshotSearch } from '../../../src-main/engine/search/oneshot/fewshot';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { fixSplitEdge, SplitSupernet } from '../../../src-main/engine/supernet/split-edge';
import { randn } from '../ops/gradcheck';
import { TINY_SPACE, recorder, synthetic, validationSplit } from '../darts/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('few-shot config', () => {
  it('splits the first normal edge into every op but none on the DARTS space, into all five on NAS-Bench-201 (the authors)', () => {
    const darts = FewshotConfig.parse({ algorithm: 'fewshot' });
    expect([darts.splitCell, darts.splitEdge, darts.warmupEpochs, darts.epochs]).toEqual(['normal', 0, 50, 25]);
    expect(subSupernetOps(darts)).toEqual(['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    const nb201 = FewshotConfig.parse({ algorithm: 'fewshot', space: { kind: 'nb201' } });
    expect(subSupernetOps(nb201)).toEqual(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    const some = FewshotConfig.parse({ algorithm: 'fewshot', space: TINY_SPACE, splitOps: ['dil_conv_3x3', 'skip_connect'] });
    expect(subSupernetOps(some)).toEqual(['skip_connect', 'dil_conv_3x3']);
  });

  it('refuses an edge the cell lacks, an op the edge lacks and a reduce split on NAS-Bench-201, naming the field', () => {
    const refusal = (input: object) => {
      const r = FewshotConfig.safeParse({ algorithm: 'fewshot', ...input });
      expect(r.success).toBe(false);
      return r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(refusal({ space: TINY_SPACE, splitEdge: 2 })).toMatch(/^splitEdge: splitEdge 2 is not an edge of the normal cell: pick 0\.\.1/);
    expect(refusal({ space: TINY_SPACE, splitOps: ['skip_connect', 'sep_conv_3x3'] })).toMatch(/^splitOps\.1: 'sep_conv_3x3' is not an op of the split edge/);
    expect(refusal({ space: { kind: 'nb201' }, splitCell: 'reduce' })).toMatch(/^splitCell: NAS-Bench-201 has one cell type/);
  });
});

describe('the split edge', () => {
  it('fixSplitEdge puts the one-hot row of the op in place of the edge row and passes no gradient to it (by hand)', () => {
    const alpha = tf.tensor2d([[0.1, -0.4, 0.7], [0.3, 0.2, -0.5]]);
    const fixed = tf.tidy(() => fixSplitEdge({ normal: { weights: tf.softmax(alpha) as tf.Tensor2D } }, { cell: 'normal', edge: 0, op: 2 }).normal!.weights);
    const soft1 = [0.3, 0.2, -0.5].map(Math.exp);
    const z = soft1.reduce((a, b) => a + b, 0);
    expect(maxDiff(values(fixed), [0, 0, 1, ...soft1.map((e) => e / z)])).toBeLessThan(1e-6);
    // d/dα Σ c·w: the fixed row's α gets exactly 0; the other row its softmax Jacobian times c.
    const c = [1, 2, 3, 4, 5, 6];
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(fixSplitEdge({ normal: { weights: tf.softmax(a) as tf.Tensor2D } }, { cell: 'normal', edge: 0, op: 2 }).normal!.weights, tf.tensor2d(c, [2, 3]))))(alpha);
    const w1 = soft1.map((e) => e / z);
    const mean = w1.reduce((s, w, k) => s + w * c[3 + k], 0);
    expect(maxDiff(values(grad), [0, 0, 0, ...w1.map((w, k) => w * (c[3 + k] - mean))])).toBeLessThan(1e-6);
    tf.dispose([alpha, fixed, grad]);
  });

  it('in sub-supernet k the split edge computes op k alone: the other ops\' weights and the α row do not reach the output', () => {
    const x = randn(new Rng(3), [2, 6, 6, 1]) as tf.Tensor4D;
    const logits = (net: SplitSupernet) => tf.tidy(() => values(net.forward(x, softmaxWeights(net.arch))));
    // TINY_SPACE's normal edge 0: max_pool_3x3, skip_connect, dil_conv_3x3; cell 0 is the normal cell.
    const skip = new SplitSupernet(new DartsSupernet(TINY_SPACE, { inChannels: 1, numClasses: 3 }, new Rng(1)), { cell: 'normal', edge: 0, op: 1 });
    const before = logits(skip);
    // New random depthwise filters (a mere scale would vanish in the op's batch norm).
    const redraw = (net: SplitSupernet) => {
      const dw = net.params.get('cells.0.edges.0.dil_conv_3x3.dw');
      const fresh = randn(new Rng(9), dw.shape);
      dw.assign(fresh);
      fresh.dispose();
    };
    redraw(skip);
    const normalAlpha = skip.arch[0].alpha;
    normalAlpha.assign(tf.tensor2d([[5, -5, 2], values(normalAlpha).slice(3)].flat(), [2, 3]));
    expect(maxDiff(logits(skip), before)).toBe(0);

    // The same change of the dil_conv weights moves the output of the dil_conv sub-supernet.
    const conv = new SplitSupernet(new DartsSupernet(TINY_SPACE, { inChannels: 1, numClasses: 3 }, new Rng(1)), { cell: 'normal', edge: 0, op: 2 });
    const convBefore = logits(conv);
    redraw(conv);
    expect(maxDiff(logits(conv), convBefore)).toBeGreaterThan(1e-4);
    skip.dispose();
    conv.dispose();
    x.dispose();
  });
});

describe('few-shot search', () => {
  const data = () => ({ train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 2, validation: validationSplit(5, 1).pass });
  const config = FewshotConfig.parse({ algorithm: 'fewshot', space: TINY_SPACE, warmupEpochs: 1, epochs: 1, reportEvery: 2, validBatches: 1, hessianEvery: 0, archLearningRate: 0.05 });
  const weights = (s: FewshotSearch) => new Map(s.net.params.names().map((n) => [n, values(s.net.params.get(n))]));

  it('warm-starts each sub-supernet with a copy of the one-shot weights, shared within it only; tensors flat', async () => {
    const start = tf.memory().numTensors;
    const rec = recorder();
    const s = new FewshotSearch({ config, rng: new Rng(1), reporter: rec.reporter, resourcesDir: '' }, data());
    expect(s.ops).toEqual(['max_pool_3x3', 'skip_connect', 'dil_conv_3x3']);
    await s.step();
    await s.step(); // the warm-up's last step: the split
    const oneShot = s['warmStart'] as Map<string, tf.Tensor>;
    const oneShotValues = new Map([...oneShot].map(([n, t]) => [n, values(t)]));

    // Sub-supernet 0 (max_pool): another network, its weights equal to the one-shot's, not its tensors.
    const sub0 = s.net as SplitSupernet;
    expect(sub0.split).toEqual({ cell: 'normal', edge: 0, op: 0 });
    for (const [name, v] of weights(s)) {
      expect(v).toEqual(oneShotValues.get(name));
      expect(sub0.params.get(name)).not.toBe(oneShot.get(name));
    }
    await s.step();
    // A step of the sub-supernet moves its weights and leaves the one-shot copy as it was.
    const moved = [...weights(s)].filter(([n, v]) => maxDiff(v, oneShotValues.get(n)!) > 0).map(([n]) => n);
    expect(moved).toContain('classifier.w');
    for (const [name, t] of oneShot) expect(values(t)).toEqual(oneShotValues.get(name));
    await s.step(); // sub-supernet 0 ends; sub-supernet 1 (skip_connect) starts from the one-shot weights, not sub 0's
    expect((s.net as SplitSupernet).split.op).toBe(1);
    for (const [name, v] of weights(s)) expect(v).toEqual(oneShotValues.get(name));
    await s.step();
    const count = tf.memory().numTensors;
    await s.step(); // sub 1 ends, sub 2 (dil_conv) starts
    await s.step();
    expect(tf.memory().numTensors).toBe(count);
    const last = await s.step();
    expect(last.done).toBe(true);
    expect(s.subSupernets().map((r) => r.op)).toEqual(s.ops);
    s.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('on NAS-Bench-201 splits edge 1<-0 into its ops, none included, each sub-supernet\'s cell holding its op there', async () => {
    const nb201 = FewshotConfig.parse({
      algorithm: 'fewshot', space: { kind: 'nb201', ops: ['none', 'skip_connect', 'nor_conv_1x1'], channels: 2, cellsPerStage: 1 },
      warmupEpochs: 1, epochs: 1, reportEvery: 2, validBatches: 1, hessianEvery: 0,
    });
    // NAS-Bench-201's two reduction blocks need a side divisible by 4: 8×8 batches of 4.
    const batch = (rng: Rng) => ({ x: randn(rng, [4, 8, 8, 1]) as tf.Tensor4D, y: tf.tensor1d([0, 1, 2, 0], 'int32'), epoch: 0 });
    const source = (seed: number) => {
      const rng = new Rng(seed);
      return { next: () => batch(rng) };
    };
    const nbData = { train: source(2), valid: source(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 1, validation: function* () { yield batch(new Rng(5)); } };
    const rec = recorder();
    const s = new FewshotSearch({ config: nb201, rng: new Rng(2), reporter: rec.reporter, resourcesDir: '' }, nbData);
    while (!(await s.step()).done);
    expect(s.subSupernets().map((r) => r.op)).toEqual(['none', 'skip_connect', 'nor_conv_1x1']);
    // The arch string's first edge is 1<-0.
    for (const r of s.subSupernets()) expect((r.genotype as { arch: string }).arch.startsWith(`|${r.op}~0|+`)).toBe(true);
    expect(rec.genotypes.filter((g) => g.final)).toHaveLength(1);
    s.dispose();
  });
});
