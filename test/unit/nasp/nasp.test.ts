import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaspConfig } from '../../../src-shared/model/algorithms/nasp';
import { Rng } from '../../../src-shared/model/rng';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { NaspStrategy, edgeParameterShares, naspArchGradient } from '../../../src-main/engine/search/oneshot/nasp';
import { parameterShares, proxBox, proxOneHot, sizePenalty } from '../../../src-main/engine/search/oneshot/proximal';
import { cellWeights, rowTensors } from '../../../src-main/engine/search/sampled/supernet-objective';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { randn } from '../ops/gradcheck';
import { recorder, synthetic, validationSplit } from '../darts/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One node, three cells, two channels; `none` and a parameter-free op beside two convs. */
const SPACE = { kind: 'darts', ops: ['none', 'skip_connect', 'sep_conv_3x3', 'dil_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 } as const;

describe('NASP proximal operators, by hand', () => {
  it('prox onto one nonzero entry in [0, 1] keeps the clipped arg-max and zeroes the rest', () => {
    expect(proxOneHot([0.2, 0.7, 0.5])).toEqual({ values: [0, 0.7, 0], index: 1 });
    expect(proxOneHot([1.4, -0.3, 0.9])).toEqual({ values: [1, 0, 0], index: 0 });
    // Every entry negative: the largest, −0.2, is kept and clipped to 0.
    expect(proxOneHot([-0.5, -0.2, -0.9])).toEqual({ values: [0, 0, 0], index: 1 });
    // A tie goes to the first (numpy's argmax).
    expect(proxOneHot([0.5, 0.5, 0.1]).index).toBe(0);
    expect(proxBox([-0.1, 0.3, 1.2])).toEqual([0, 0.3, 1]);
  });

  it('the size penalty weighs each op by its share of the edge\'s parameters', () => {
    // C = 4: sep_conv_3x3 = 2·(4·9 + 4·4 + 2·4) = 120, dil_conv_3x3 = 36 + 16 + 8 = 60; shares 2/3 and 1/3.
    const shares = parameterShares(['none', 'skip_connect', 'sep_conv_3x3', 'dil_conv_3x3'], 4);
    [0, 0, 2 / 3, 1 / 3].forEach((s, k) => expect(shares[k]).toBeCloseTo(s, 12));
    // λ = 0.1, ā = (0, 0, 0.5, 0): 0.1·0.25·2/3 and gradient 2·0.1·0.5·2/3 on the kept entry.
    const { value, grad } = sizePenalty([[0, 0, 0.5, 0]], [shares], 0.1);
    expect(value).toBeCloseTo(0.1 * 0.25 * (2 / 3), 12);
    expect(grad[0][2]).toBeCloseTo(2 * 0.1 * 0.5 * (2 / 3), 12);
    expect([grad[0][0], grad[0][1], grad[0][3]]).toEqual([0, 0, 0]);
  });
});

describe('NASP α gradient', () => {
  it('equals central finite differences of the loss w.r.t. the discrete weights, every entry', () => {
    const rng = new Rng(4);
    const net = new DartsSupernet(SPACE, { inChannels: 1, numClasses: 3 }, rng.fork('net'));
    const batch = { x: randn(rng, [4, 6, 6, 1]) as tf.Tensor4D, y: tf.tensor1d([0, 1, 2, 0], 'int32') };
    const alpha = net.arch.flatMap((a) => a.edgeOps.map((ops) => ops.map(() => rng.next())));
    const shares = edgeParameterShares(net);
    const lambda = 0.05;
    const before = tf.memory().numTensors;
    const { grad, discrete } = naspArchGradient(net, batch, alpha, shares, lambda);
    expect(tf.memory().numTensors).toBe(before);
    // The independent side: L(ā) + λ·Σ ā²·share by plain forwards of the network at ā ± h·e_ek.
    const objective = (rows: number[][]) => {
      const tensors = rowTensors(net, rows);
      const ce = tf.tidy(() => crossEntropy(net.forward(batch.x, cellWeights(net, tensors)), batch.y).dataSync()[0]);
      tf.dispose(tensors);
      return ce + lambda * rows.reduce((s, row, e) => s + row.reduce((t, a, k) => t + a * a * shares[e][k], 0), 0);
    };
    // h = 3e-3: the tiny batch's BN curves the loss enough that 1e-2 is visibly truncated.
    const h = 3e-3;
    let worst = 0;
    let reachedZeroed = 0;
    discrete.rows.forEach((row, e) =>
      row.forEach((_, k) => {
        const at = (d: number) => discrete.rows.map((r, i) => r.map((v, j) => (i === e && j === k ? v + d : v)));
        const fd = (objective(at(h)) - objective(at(-h))) / (2 * h);
        worst = Math.max(worst, Math.abs(grad[e][k] - fd) / (1e-3 + Math.abs(fd)));
        if (row[k] === 0 && Math.abs(fd) > 1e-3) reachedZeroed++;
      }),
    );
    // float32 forwards: the difference's rounding is ~1e-7·L/2h ≈ 4e-5; 1 % relative (1e-3 absolute floor).
    expect(worst).toBeLessThan(1e-2);
    // The gradient reaches ops the proximal step zeroed (all ops run in α's forward).
    expect(reachedZeroed).toBeGreaterThan(0);
    tf.dispose([batch.x, batch.y]);
    net.dispose();
  });
});

describe('NASP search', () => {
  const data = () => ({ train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 2, validation: validationSplit(5, 1).pass });

  it('trains only each edge\'s kept op, keeps α in [0, 1], tensors flat', async () => {
    const rec = recorder();
    const config = NaspConfig.parse({ algorithm: 'nasp', space: SPACE, epochs: 2, reportEvery: 2, validBatches: 1, archLearningRate: 0.05, sizePenalty: 0.1, hessianEvery: 1, hessianIters: 2 });
    const s = new NaspStrategy({ config, rng: new Rng(1), reporter: rec.reporter, resourcesDir: '' }, data());
    const net = s['net'] as DartsSupernet;
    const values = () => new Map(net.params.names().map((n) => [n, [...net.params.get(n).dataSync()]]));
    // α starts at 0.5 + 1e-3·N(0, 1).
    for (const a of net.arch) for (const v of a.alpha.dataSync()) expect(Math.abs(v - 0.5)).toBeLessThan(0.01);
    await s.step();
    const beforeStep = values();
    await s.step();
    const afterStep = values();
    // The second step's weights ran under the α its own α step left: each edge's arg-max.
    const keptNow = net.arch.map((a) => (a.alpha.arraySync() as number[][]).map((row) => row.indexOf(Math.max(...row))));
    let trained = 0;
    for (const [name, v] of afterStep) {
      const m = /^cells\.(\d+)\.edges\.(\d+)\.(\w+)\./.exec(name);
      if (!m) continue;
      const kind = net.arch.findIndex((a) => a.kind === net['cells'][Number(m[1])].kind);
      const op = net.arch[kind].edgeOps[Number(m[2])].indexOf(m[3]);
      const moved = v.some((x, i) => x !== beforeStep.get(name)![i]);
      if (op !== keptNow[kind][Number(m[2])]) expect(moved, `${name} is not its edge's kept op`).toBe(false);
      else if (moved) trained++;
    }
    expect(trained).toBeGreaterThan(0);
    for (const a of net.arch) for (const v of a.alpha.dataSync()) expect(v >= 0 && v <= 1).toBe(true);
    // A momentum buffer appears the first time an op is kept; beyond those nothing may accumulate.
    const held = () => tf.memory().numTensors - s['trainer'].sgd['buffers'].size;
    const count = held();
    let done = false;
    for (let i = 0; i < 2; i++) done = (await s.step()).done;
    expect(done).toBe(true);
    expect(held()).toBe(count);
    expect(rec.values('search.valid.loss')).toHaveLength(4);
    expect(rec.values('nasp.size_penalty').every((m) => m.value > 0)).toBe(true);
    expect(rec.values('hessian.eigenvalue').length).toBeGreaterThan(0);
    expect(rec.genotypes.filter((g) => g.final)).toHaveLength(1);
    s.dispose();
  });
});
