import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DrnasConfig } from '../../../src-shared/model/algorithms/drnas';
import { Rng } from '../../../src-shared/model/rng';
import { resourcesDir } from '../../../src-main/host/paths';
import { SgdMomentum } from '../../../src-main/engine/optim/optimizers';
import { ParamStore } from '../../../src-main/engine/ops/params';
import { createDrnasStrategy } from '../../../src-main/engine/search/oneshot/drnas';
import { carryMomentum, keepTopOps, planWidening, widen } from '../../../src-main/engine/search/oneshot/progressive';
import { initBackends } from '../backend/compare';
import { recordingReporter } from '../estimators/tiny-supernet';

beforeAll(initBackends);

describe('DrNAS progressive: pruning by concentration', () => {
  it('keeps each edge’s top ops by elu(β) + 1, worked by hand, in their original order', () => {
    // Concentrations: row 0: 1.3, e^-0.5 = 0.607, 2.2, e^-2 = 0.135, 1.0 → top 3 are ops 2, 0, 4.
    // Row 1 (all negative, a = e^β): 0.905, 0.741, 0.050, 0.819 → top 2 are ops 0 and 3.
    // Row 2: a tie at 1.0 everywhere keeps the earlier ops.
    const beta = [
      [0.3, -0.5, 1.2, -2, 0],
      [-0.1, -0.3, -3, -0.2, -5],
      [0, 0, 0, 0, 0],
    ];
    expect(keepTopOps(beta.slice(0, 1), 3)).toEqual([[0, 2, 4]]);
    expect(keepTopOps(beta, 2)).toEqual([
      [0, 2],
      [0, 3],
      [0, 1],
    ]);
    expect(() => keepTopOps(beta, 6)).toThrow(/has 5 ops, cannot keep 6/);
  });
});

describe('DrNAS progressive: widening (net2wider’s channel copy)', () => {
  it('keeps the old entries and appends copies of drawn ones, the momentum widened the same way', () => {
    const rng = new Rng(3);
    const plan = planWidening('w', [2, 3], [2, 5], rng);
    expect(plan[0]).toBeNull();
    const copies = plan[1]!;
    expect(copies.slice(0, 3)).toEqual([0, 1, 2]);
    const w = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const wide = widen(w, plan);
    const rows = wide.arraySync() as number[][];
    rows.forEach((row, r) => copies.forEach((from, c) => expect(row[c]).toBe([[1, 2, 3], [4, 5, 6]][r][from])));
    tf.dispose([w, wide]);
    expect(() => planWidening('w', [4], [2], rng)).toThrow(/narrow from 4 to 2/);

    // Momentum: one SGD step (buffer = g + wd·w = g with wd 0), then carried onto a wider weight.
    const before = tf.memory().numTensors;
    const from = new ParamStore(new Rng(1));
    const to = new ParamStore(new Rng(2));
    const small = from.constant('x', 2, 0);
    to.constant('x', 4, 0);
    const sgd = new SgdMomentum(0.9, 0);
    const g = tf.tensor1d([0.5, -1]);
    sgd.step([small], [g], 0.1);
    const plans = new Map([['x', [[0, 1, 1, 0]] as (number[] | null)[]]]);
    carryMomentum(sgd, from, to, plans);
    const carried = sgd.scaledMomentum(to.get('x'));
    expect(Array.from(carried.dataSync())).toEqual([0.45, -0.9, -0.9, 0.45].map((v) => Math.fround(v)));
    tf.dispose([g, carried]);
    sgd.dispose();
    from.dispose();
    to.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The shape of a nested array (arraySync's output). */
const shapeOf = (a: unknown): number[] => (Array.isArray(a) ? [a.length, ...shapeOf(a[0])] : []);

describe('DrNAS progressive: a tiny real run', () => {
  it('prunes to the top ops by concentration at the stage boundary, widens the ops by copying channels, keeps β and the tensors flat', async () => {
    // learningRate 1e-9: the weights barely move in a step, so the widened copies can be compared
    // with the first stage's weights (to 1e-6); β moves by at most ≈ archLearningRate per Adam step.
    const config = DrnasConfig.parse({
      algorithm: 'drnas',
      dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 },
      space: { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 1, layers: 3, channels: 4, stemMultiplier: 1 },
      epochs: 2,
      batchSize: 4,
      batchesPerEpoch: 2,
      validBatches: 1,
      learningRate: 1e-9,
      learningRateMin: 0,
      archLearningRate: 0.05,
      hessianEvery: 0,
      progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 2, firstStageEpochs: 1, archWarmupEpochs: 0 },
    });
    const { reporter, recorded } = recordingReporter();
    const s = await createDrnasStrategy({ config, rng: new Rng(4), reporter, resourcesDir: resourcesDir() });
    await s.step();
    const start = tf.memory().numTensors;
    await s.step(); // the first stage's last step
    expect(tf.memory().numTensors).toBe(start);
    const beta = s.alphas().cells.map((c) => c.alpha);
    const before = new Map(s.net.params.names().map((name) => [name, s.net.params.get(name).arraySync() as number[] | number[][][][]]));

    await s.step(); // the second stage's first step: pruning and widening come before it
    const ops = ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'];
    const kept = beta.map((rows) => keepTopOps(rows, 2));
    s.alphas().cells.forEach((cell, i) => {
      expect(cell.edgeOps).toEqual(kept[i].map((row) => row.map((k) => ops[k])));
      cell.alpha.forEach((row, e) => row.forEach((b, j) => expect(Math.abs(b - beta[i][e][kept[i][e][j]])).toBeLessThan(0.06)));
    });
    expect(recorded.metrics.find((m) => m.key === 'drnas.stage')).toMatchObject({ step: 2, value: 2 });
    let widened = 0;
    for (const name of s.net.params.names()) {
      const now = s.net.params.get(name);
      const old = before.get(name)!;
      const oldShape = shapeOf(old);
      if (/\.dw[12]$/.test(name)) {
        // A kept sep_conv's depthwise filter: C/K doubled (1 → 2 in the normal cells, 2 → 4 in the
        // reduction cells); the old channels stay, and where there was one the new one is its copy.
        expect(now.shape[2]).toBe(2 * oldShape[2]!);
        const halves = tf.split(now, 2, 2);
        const [first, copy] = halves.map((t) => t.arraySync() as number[][][][]);
        tf.dispose(halves);
        expect(first.flat(3).every((v, i) => Math.abs(v - (old as number[][][][]).flat(3)[i]) < 1e-6)).toBe(true);
        if (oldShape[2] === 1) expect(copy.flat(3).every((v, i) => Math.abs(v - first.flat(3)[i]) < 1e-6)).toBe(true);
        widened++;
      } else if (!name.includes('.edges.')) {
        // Stem, preprocessing, classifier do not depend on K: copied as they were.
        const flat = (now.arraySync() as number[]).flat(3) as number[];
        (old as number[]).flat(3).forEach((v, i) => expect(Math.abs((flat[i] as number) - (v as number))).toBeLessThan(1e-6));
      }
    }
    expect(widened).toBeGreaterThan(0);
    expect(s.net.params.names().filter((n) => n.includes('.edges.')).every((n) => before.has(n))).toBe(true);
    const afterSwap = tf.memory().numTensors;
    const { done } = await s.step();
    expect(done).toBe(true);
    expect(tf.memory().numTensors).toBe(afterSwap);
    s.dispose();
  });

  it('refuses what the stages cannot do, naming the field', () => {
    const base = { algorithm: 'drnas', space: { kind: 'darts', channels: 8 }, epochs: 10 };
    const issue = (progressive: Record<string, number>, space?: unknown) => {
      const r = DrnasConfig.safeParse({ ...base, ...(space ? { space } : {}), progressive });
      return r.success ? null : `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
    };
    const ok = { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 4, firstStageEpochs: 5, archWarmupEpochs: 2 };
    expect(issue(ok)).toBeNull();
    expect(issue({ ...ok, firstPartialChannels: 3 })).toMatch(/^progressive.firstPartialChannels: K=3 must divide the space's channels \(8\)/);
    expect(issue({ ...ok, secondPartialChannels: 8 })).toMatch(/^progressive.secondPartialChannels: .*must not exceed the first's/);
    expect(issue({ ...ok, keepOps: 8 })).toMatch(/^progressive.keepOps: keepOps \(8\) must be below the ops of an edge \(8\), or nothing is pruned/);
    expect(issue({ ...ok, firstStageEpochs: 10 })).toMatch(/^progressive.firstStageEpochs: .*no second stage/);
    expect(issue({ ...ok, archWarmupEpochs: 5 })).toMatch(/^progressive.archWarmupEpochs: .*the shorter has 5/);
  });
});
