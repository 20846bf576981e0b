import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProxylessConfig } from '../../../src-shared/model/algorithms/proxyless';
import { Rng } from '../../../src-shared/model/rng';
import { binaryGateAlphaGrad, pairProbabilities, rescaleInvolved, sampleTwo } from '../../../src-main/engine/search/oneshot/binary-gates';
import { ProxylessStrategy } from '../../../src-main/engine/search/oneshot/proxyless';
import type { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { mixedEdge, type EdgeCandidate } from '../../../src-main/engine/supernet/mixed-edge';
import { randn } from '../ops/gradcheck';
import { recorder, synthetic, validationSplit } from '../darts/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const logSumExp = (row: readonly number[]) => Math.log(row.reduce((s, a) => s + Math.exp(a), 0));

describe('ProxylessNAS binary gates, by hand', () => {
  it('the estimator on two ops is p_a·p_b·(g_a − g_b), zero on the ops not drawn', () => {
    // α = (0.3, −0.2): p_a = 1/(1 + e^−0.5) = 0.6224593; g = (1.5, −0.5).
    const pa = 1 / (1 + Math.exp(-0.5));
    const grad = binaryGateAlphaGrad([0.3, -0.2], [0, 1], [1.5, -0.5]);
    expect(grad[0]).toBeCloseTo(pa * (1 - pa) * 2, 12);
    expect(grad[1]).toBeCloseTo(-pa * (1 - pa) * 2, 12);
    // Four ops, ops 2 and 0 drawn: the same formula on their renormalised pair, nothing elsewhere.
    const four = binaryGateAlphaGrad([0.3, 5, -0.2, 7], [0, 2], [1.5, 9, -0.5, 9]);
    expect(four[0]).toBeCloseTo(pa * (1 - pa) * 2, 12);
    expect(four[2]).toBeCloseTo(-pa * (1 - pa) * 2, 12);
    expect([four[1], four[3]]).toEqual([0, 0]);
  });

  it('the rescale keeps the drawn pair\'s probability mass, so the other ops\' probabilities stay', () => {
    const before = [0.1, 0.4, -0.3, 0.2];
    const after = [0.35, 0.4, -0.6, 0.2];
    const out = rescaleInvolved(before, after, [0, 2]);
    // offset = log((e^0.35 + e^−0.6)/(e^0.1 + e^−0.3)), taken off both drawn entries.
    const offset = Math.log((Math.exp(0.35) + Math.exp(-0.6)) / (Math.exp(0.1) + Math.exp(-0.3)));
    expect(out[0]).toBeCloseTo(0.35 - offset, 12);
    expect(out[2]).toBeCloseTo(-0.6 - offset, 12);
    expect(logSumExp(out)).toBeCloseTo(logSumExp(before), 12);
    expect([out[1], out[3]]).toEqual([0.4, 0.2]);
  });

  it('draws two distinct ops with the probabilities of sampling without replacement', () => {
    const rng = new Rng(11);
    const p = [0.5, 0.3, 0.2];
    const n = 20000;
    let pair01 = 0;
    let repeated = 0;
    for (let i = 0; i < n; i++) {
      const [a, b] = sampleTwo(p, rng);
      if (a === b) repeated++;
      if (a + b === 1) pair01++;
    }
    expect(repeated).toBe(0);
    // P({0, 1}) = p0·p1/(1 − p0) + p1·p0/(1 − p1) = 0.3 + 0.15/0.7.
    const expected = 0.3 + 0.15 / 0.7;
    expect(Math.abs(pair01 / n - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });
});

/**
 * A two-op edge out = g_a·o_a(x) + g_b·o_b(x), computed by the supernet's mixedEdge with both ops
 * active, the gates one-hot at the active op. The architecture's objective is the expected loss
 * over the active op, E = p_a·L_a + p_b·L_b (L_j the loss with gate e_j), so the exact gradient is
 *   ∂E/∂α_a = p_a·p_b·(L_a − L_b) = −∂E/∂α_b.
 * The estimator, with the active op c drawn from p, is p_a·p_b·(∂L/∂g_a − ∂L/∂g_b) at gate e_c.
 * - L linear in out (L = ⟨w, out⟩): ∂L/∂g_j = ⟨w, o_j⟩ = L_j whatever c, so the estimator is exact
 *   on every draw.
 * - L = ½‖out − t‖²: ∂L/∂g_a − ∂L/∂g_b at e_c is ⟨o_c − t, d⟩ with d = o_a − o_b, and
 *   L_a − L_b = ⟨(o_a + o_b)/2 − t, d⟩, so the draw c = a gives (L_a − L_b) + ½‖d‖², c = b gives
 *   (L_a − L_b) − ½‖d‖²; in expectation p_a·p_b·[(L_a − L_b) + ½(p_a − p_b)·‖d‖²]: exact when
 *   p_a = p_b, a first-order estimate with that bias otherwise.
 */
describe('ProxylessNAS estimator on a two-op edge against the exact gradient', () => {
  const rng = new Rng(3);
  const x = randn(rng, [2, 4, 4, 1]) as tf.Tensor4D;
  const w = randn(rng, [2, 4, 4, 1]);
  const t = randn(rng, [2, 4, 4, 1]);
  const candidates: EdgeCandidate[] = [
    { op: (v) => tf.sin(tf.mul(v, 2)), zero: false },
    { op: (v) => tf.sub(tf.square(v), 0.5), zero: false },
  ];
  const linear = (out: tf.Tensor) => tf.sum(tf.mul(out, w)) as tf.Scalar;
  const quadratic = (out: tf.Tensor) => tf.mul(tf.sum(tf.square(tf.sub(out, t))), 0.5) as tf.Scalar;

  /** L with the gates one-hot at op j (both ops computed: the reference). */
  const lossAt = (loss: (o: tf.Tensor) => tf.Scalar, j: number) => tf.tidy(() => loss(mixedEdge(candidates, 1, x, tf.oneHot([j], 2).toFloat() as tf.Tensor2D)).dataSync()[0]);
  /** ∂L/∂g at the one-hot gate of the active op, only the pair computed (the strategy's path). */
  const gateGrads = (loss: (o: tf.Tensor) => tf.Scalar, active: number) =>
    tf.tidy(() => [...tf.grad((g: tf.Tensor) => loss(mixedEdge(candidates, 1, x, g as tf.Tensor2D, [active, 1 - active])))(tf.oneHot([active], 2).toFloat()).dataSync()]);
  const expected = (loss: (o: tf.Tensor) => tf.Scalar, alpha: number[]) => {
    const [pa, pb] = pairProbabilities(alpha, [0, 1]);
    const estimates = [0, 1].map((c) => binaryGateAlphaGrad(alpha, [c, 1 - c], gateGrads(loss, c))[0]);
    return { pa, pb, perDraw: estimates, mean: pa * estimates[0] + pb * estimates[1], exact: pa * pb * (lossAt(loss, 0) - lossAt(loss, 1)) };
  };

  it('is exact on every draw when the loss is linear in the gates', () => {
    const { perDraw, exact } = expected(linear, [0.4, -0.3]);
    expect(Math.abs(exact)).toBeGreaterThan(1e-2);
    for (const e of perDraw) expect(e).toBeCloseTo(exact, 4);
  });

  it('on a quadratic loss: exact in expectation at p_a = p_b, else off by p_a·p_b·½(p_a − p_b)·‖o_a − o_b‖²', () => {
    const d2 = tf.tidy(() => tf.sum(tf.square(tf.sub(candidates[0].op(x), candidates[1].op(x)))).dataSync()[0]);
    const even = expected(quadratic, [0.2, 0.2]);
    expect(Math.abs(even.exact)).toBeGreaterThan(1e-2);
    expect(even.mean).toBeCloseTo(even.exact, 4);
    // Each draw alone is off by ±p_a·p_b·½‖d‖²: the estimator is unbiased, not exact.
    expect(Math.abs(even.perDraw[0] - even.exact)).toBeCloseTo(0.25 * 0.5 * d2, 3);
    const skewed = expected(quadratic, [0.9, -0.4]);
    const bias = skewed.pa * skewed.pb * 0.5 * (skewed.pa - skewed.pb) * d2;
    expect(Math.abs(bias)).toBeGreaterThan(1e-2);
    expect(skewed.mean).toBeCloseTo(skewed.exact + bias, 4);
  });

  it('runs only the active ops of an edge', () => {
    const calls = [0, 0, 0];
    const counted: EdgeCandidate[] = [0, 1, 2].map((k) => ({ op: (v) => (calls[k]++, tf.mul(v, k + 1)), zero: false }));
    const out = tf.tidy(() => mixedEdge(counted, 1, x, tf.tensor2d([[0, 1, 0.25]]), [2, 1]).sub(tf.add(tf.mul(x, 2), tf.mul(tf.mul(x, 3), 0.25))).abs().max().dataSync()[0]);
    expect(calls).toEqual([0, 1, 1]);
    // Σ over the active ops w_k·op_k(x) plus the inactive weight 0 as a constant.
    expect(out).toBeLessThan(1e-6);
  });
});

describe('ProxylessNAS search', () => {
  const SPACE = { kind: 'darts', ops: ['none', 'skip_connect', 'sep_conv_3x3', 'max_pool_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 } as const;
  const data = () => ({ train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 2, validation: validationSplit(5, 1).pass });

  it('α moves from the second epoch only, by the drawn pairs, each edge\'s probability mass kept; tensors flat', async () => {
    const rec = recorder();
    const config = ProxylessConfig.parse({ algorithm: 'proxyless', space: SPACE, epochs: 3, archUpdateEvery: 1, archWarmupEpochs: 1, reportEvery: 2, validBatches: 1, archLearningRate: 0.05, hessianEvery: 0 });
    const s = new ProxylessStrategy({ config, rng: new Rng(1), reporter: rec.reporter, resourcesDir: '' }, data());
    const net = s['net'] as DartsSupernet;
    const rows = () => net.arch.flatMap((a) => a.alpha.arraySync());
    const start = rows();
    await s.step();
    await s.step();
    expect(rows()).toEqual(start);
    expect(rec.values('search.valid.loss')).toHaveLength(0);
    const held = () => tf.memory().numTensors - s['trainer'].sgd['buffers'].size - s['archOptimizer']['m'].size - s['archOptimizer']['v'].size;
    const count = held();
    for (let i = 0; i < 4; i++) {
      const before = rows();
      await s.step();
      const after = rows();
      before.forEach((row, e) => {
        // Adam at β1 = 0 moves only the drawn pair (the others get a zero gradient), then the rescale.
        expect(row.filter((a, k) => a !== after[e][k]).length).toBeLessThanOrEqual(2);
        expect(logSumExp(after[e])).toBeCloseTo(logSumExp(row), 5);
      });
    }
    expect(held()).toBe(count);
    expect(rows().some((row, e) => row.some((a, k) => Math.abs(a - start[e][k]) > 1e-3))).toBe(true);
    expect(rec.values('search.valid.loss')).toHaveLength(4);
    expect(rec.genotypes.filter((g) => g.final)).toHaveLength(1);
    s.dispose();
  });

  it('refuses an edge with one op and a warm-up as long as the search', () => {
    expect(() => ProxylessConfig.parse({ algorithm: 'proxyless', epochs: 2, archWarmupEpochs: 2 })).toThrow(/archWarmupEpochs/);
    const config = ProxylessConfig.parse({ algorithm: 'proxyless', space: { ...SPACE, ops: ['skip_connect'] }, epochs: 2 });
    expect(() => new ProxylessStrategy({ config, rng: new Rng(1), reporter: recorder().reporter, resourcesDir: '' }, data())).toThrow(/two ops per edge/);
  });
});
