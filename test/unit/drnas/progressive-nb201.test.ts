import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DrnasConfig } from '../../../src-shared/model/algorithms/drnas';
import { PRESETS } from '../../../src-shared/model/presets';
import { Rng } from '../../../src-shared/model/rng';
import type { Nb201Op } from '../../../src-shared/model/space';
import { loadNb201 } from '../../../src-main/engine/benchmarks/nb201';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { ParamStore } from '../../../src-main/engine/ops/params';
import { NB201_OP_FACTORIES } from '../../../src-main/engine/ops/nb201-ops';
import { createDrnasStrategy, type DrnasStrategy } from '../../../src-main/engine/search/oneshot/drnas';
import { Nb201Supernet } from '../../../src-main/engine/supernet/nb201-network';
import { resourcesDir } from '../../../src-main/host/paths';
import { initBackends } from '../backend/compare';
import { expectResumeExact } from '../checkpoint/harness';
import { recordingReporter } from '../estimators/tiny-supernet';
import { randn } from '../ops/gradcheck';

beforeAll(initBackends);

const data = { dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 } };

/** NB201's five ops on C = 4, one cell per stage: K 4 → 2 leaves 1 → 2, 2 → 4, 4 → 8 channels per op in the three stages. */
const SPACE = { kind: 'nb201', channels: 4, cellsPerStage: 1 } as const;

/** Adam's first and second moments and step count of β, read from the strategy's checkpoint state. */
function adamState(s: DrnasStrategy): { t: number; m: number[][]; v: number[][] } {
  const bundle = emptyBundle();
  s.saveState(bundleWriter(bundle));
  const adam = bundleReader(bundle, 'test').scope('adam');
  const shape = s.net.arch[0].alpha.shape;
  const [m, v] = ['m.0', 'v.0'].map((name) => {
    const t = adam.tensor(name, shape);
    const rows = t.arraySync() as number[][];
    t.dispose();
    return rows;
  });
  return { t: adam.json<number>('t'), m, v };
}

/** `op` of the NB201 vocabulary on `channels` channels with the given conv filter, applied to `x` (batch statistics, no affine: the search network's). */
function runOp(op: Nb201Op, channels: number, filter: tf.Tensor, x: tf.Tensor4D): tf.Tensor4D {
  const store = new ParamStore(new Rng(0));
  const apply = NB201_OP_FACTORIES[op](channels, 1, { params: store, name: 'op', affine: false, rng: new Rng(0) });
  store.get('op.conv').assign(filter);
  const y = tf.tidy(() => apply(x));
  store.dispose();
  return y;
}

describe('DrNAS progressive on NAS-Bench-201: the stage switch', () => {
  it('keeps each edge’s top 3 ops by concentration (worked by hand), cuts β and its Adam moments to them, widens the kept convs as net2wider, names the cell by the real ops, leaks nothing', async () => {
    // Four epochs of one batch: stage 1 is epochs 0–1, stage 2 epochs 2–3; α is still in each stage's
    // first epoch, so β is untouched at the switch (step 2) and can be compared exactly. Learning
    // rate 1e-9: the weights barely move in a step, so the first stage's ops can be compared with the
    // widened ones.
    const config = DrnasConfig.parse({
      algorithm: 'drnas',
      ...data,
      space: SPACE,
      epochs: 4,
      batchSize: 4,
      batchesPerEpoch: 1,
      validBatches: 1,
      learningRate: 1e-9,
      learningRateMin: 0,
      hessianEvery: 0,
      progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 3, firstStageEpochs: 2, archWarmupEpochs: 1 },
    });
    const tensorsBefore = tf.memory().numTensors;
    const { reporter, recorded } = recordingReporter();
    const s = await createDrnasStrategy({ config, rng: new Rng(6), reporter, resourcesDir: resourcesDir() });
    await s.step();
    await s.step(); // β's first Adam step (epoch 1)
    const stageOneCount = tf.memory().numTensors;

    // Concentration a = 1 + β for β > 0, e^β else. Ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3.
    const beta = [
      [0.5, -1, 2, 1.5, 0], // a = 1.5, 0.37, 3, 2.5, 1 → none, nor_conv_1x1, nor_conv_3x3
      [-0.2, -0.1, -3, -2, -0.5], // a = 0.82, 0.90, 0.05, 0.14, 0.61 → none, skip_connect, avg_pool_3x3
      [0, 0, 0, 0, 0], // a tie everywhere keeps the earlier ops: none, skip_connect, nor_conv_1x1
      [1, -0.5, 0.2, 3, 0.7], // a = 2, 0.61, 1.2, 4, 1.7 → none, nor_conv_3x3, avg_pool_3x3
      [-1, 0.3, 0.3, -0.1, 0.1], // a = 0.37, 1.3, 1.3, 0.90, 1.1 → skip_connect, nor_conv_1x1, avg_pool_3x3
      [-4, 2, -3, 0.4, 0.4], // a = 0.02, 3, 0.05, 1.4, 1.4 → skip_connect, nor_conv_3x3, avg_pool_3x3
    ];
    const keptByHand: [number[], Nb201Op[]][] = [
      [[0, 2, 3], ['none', 'nor_conv_1x1', 'nor_conv_3x3']],
      [[0, 1, 4], ['none', 'skip_connect', 'avg_pool_3x3']],
      [[0, 1, 2], ['none', 'skip_connect', 'nor_conv_1x1']],
      [[0, 3, 4], ['none', 'nor_conv_3x3', 'avg_pool_3x3']],
      [[1, 2, 4], ['skip_connect', 'nor_conv_1x1', 'avg_pool_3x3']],
      [[1, 3, 4], ['skip_connect', 'nor_conv_3x3', 'avg_pool_3x3']],
    ];
    const betaTensor = tf.tensor2d(beta);
    s.net.arch[0].alpha.assign(betaTensor);
    betaTensor.dispose();
    const adamBefore = adamState(s);
    expect(adamBefore.t).toBe(1);
    const before = new Map(s.net.params.names().map((name) => [name, tf.clone(s.net.params.get(name))]));

    await s.step(); // the switch, then the second stage's first step (α still)
    const [cell] = s.alphas().cells;
    expect(cell.edgeOps).toEqual(keptByHand.map(([, ops]) => ops));
    const f32 = (v: number) => Math.fround(v);
    expect(cell.alpha).toEqual(keptByHand.map(([k], e) => k.map((j) => f32(beta[e][j]))));
    const adamAfter = adamState(s);
    expect(adamAfter.t).toBe(1);
    expect(adamAfter.m).toEqual(keptByHand.map(([k], e) => k.map((j) => adamBefore.m[e][j])));
    expect(adamAfter.v).toEqual(keptByHand.map(([k], e) => k.map((j) => adamBefore.v[e][j])));
    expect(recorded.metrics.find((m) => m.key === 'drnas.stage')).toMatchObject({ step: 2, epoch: 2, value: 2 });

    // Only the kept ops have weights; every one of them existed before, under the same name.
    const names = s.net.params.names();
    for (const name of names.filter((n) => n.includes('.edges.'))) {
      const [, e, op] = /\.edges\.(\d)\.(\w+)\.conv$/.exec(name)!;
      expect(keptByHand[Number(e)][1]).toContain(op);
      expect(before.has(name)).toBe(true);
    }
    // net2wider on a kept ReLU-conv-BN: fed the old input with the new channels zero, the widened op
    // gives the old op's output on the old channels, and each new channel repeats an old one.
    let convs = 0;
    for (const name of names.filter((n) => n.endsWith('.conv') && n.includes('.edges.'))) {
      const op = /\.(nor_conv_\dx\d)\.conv$/.exec(name)![1] as Nb201Op;
      const oldFilter = before.get(name)!;
      const [, , n] = oldFilter.shape as number[];
      const [, , m] = s.net.params.get(name).shape as number[];
      expect(m).toBe(2 * n);
      const x = randn(new Rng(convs + 11), [3, 6, 6, n]) as tf.Tensor4D;
      const wideX = tf.tidy(() => tf.concat([x, tf.zeros([3, 6, 6, m - n])], 3) as tf.Tensor4D);
      const old = runOp(op, n, oldFilter, x);
      const wide = runOp(op, m, s.net.params.get(name), wideX);
      const channels = (y: tf.Tensor4D) => tf.tidy(() => tf.unstack(y, 3).map((t) => Array.from(t.dataSync())));
      const [oldChannels, wideChannels] = [channels(old), channels(wide)];
      const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      wideChannels.slice(0, n).forEach((c, j) => expect(gap(c, oldChannels[j])).toBeLessThan(1e-4));
      wideChannels.slice(n).forEach((c) => expect(Math.min(...oldChannels.map((o) => gap(c, o)))).toBeLessThan(1e-4));
      tf.dispose([x, wideX, old, wide]);
      convs++;
    }
    expect(convs).toBe(3 * 6); // edge 0 keeps both convs, edges 2–5 one each, in each of the 3 cells
    // The stem, the reduction blocks and the classifier do not depend on K: as they were.
    for (const name of names.filter((n) => !n.includes('.edges.'))) {
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(s.net.params.get(name), before.get(name)!))).dataSync()[0]);
      expect(gap).toBeLessThan(1e-6);
    }
    tf.dispose([...before.values()]);

    // The genotype: each edge's arg-max over its kept ops, named by the op it really is (by hand:
    // the arg-max's position read in the space's op list would name other ops on edges 0, 1, 3, 4).
    const chosen = [
      [0.1, 0.2, 0.9], // nor_conv_3x3
      [0, 0.7, 0.1], // skip_connect
      [0.5, -0.1, 0.4], // none
      [0, 0, 1], // avg_pool_3x3
      [0.2, 0.8, 0.1], // nor_conv_1x1
      [0.3, 0.1, 0.2], // skip_connect
    ];
    const chosenTensor = tf.tensor2d(chosen);
    s.net.arch[0].alpha.assign(chosenTensor);
    chosenTensor.dispose();
    expect(s.genotype()).toEqual({ space: 'nb201', arch: '|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|' });

    const stageTwoCount = tf.memory().numTensors;
    expect(stageTwoCount).toBeLessThan(stageOneCount); // fewer ops, as many β and moments
    expect((await s.step()).done).toBe(true);
    expect(tf.memory().numTensors).toBe(stageTwoCount);
    const final = recorded.genotypes.filter((g) => g.final).at(-1)!.genotype;
    expect(final).toEqual(s.genotype());
    s.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('DrNAS progressive on NAS-Bench-201: the preset, the schema, resume', () => {
  it('the quick preset runs both stages on NB201 with the tensors flat, and its cell is found in the benchmark table', async () => {
    const config = DrnasConfig.parse(PRESETS['drnas-progressive-nb201-quick']);
    expect(config.space.kind).toBe('nb201');
    const tensorsBefore = tf.memory().numTensors;
    const { reporter, recorded } = recordingReporter();
    const s = await createDrnasStrategy({ config, rng: new Rng(config.seed), reporter, resourcesDir: resourcesDir() });
    const counts: number[] = [];
    for (let done = false; !done; ) {
      done = (await s.step()).done;
      counts.push(tf.memory().numTensors);
    }
    expect(recorded.metrics.filter((m) => m.key === 'drnas.stage').map((m) => m.epoch)).toEqual([2]);
    // α trains from the first step (no warm-up), so every step of a stage ends at the same count,
    // but for the Hessian's batch (x and y) that the report keeps from its first eigenvalue on (the
    // end of epoch 2, the first stage's last step); the second stage's network is smaller.
    const firstStage = config.progressive!.firstStageEpochs * s.data.stepsPerEpoch;
    expect(config.hessianEvery).toBe(2);
    expect(counts).toHaveLength(config.epochs * s.data.stepsPerEpoch);
    expect(new Set(counts.slice(0, firstStage - 1)).size).toBe(1);
    expect(counts[firstStage - 1]).toBe(counts[0] + 2);
    expect(new Set(counts.slice(firstStage)).size).toBe(1);
    expect(counts[firstStage]).toBeLessThan(counts[0]);
    const [cell] = s.alphas().cells;
    expect(cell.edgeOps.every((ops) => ops.length === 3)).toBe(true);
    const final = recorded.genotypes.filter((g) => g.final).at(-1)!.genotype;
    if (final.space !== 'nb201') throw new Error('expected an NB201 cell');
    final.arch
      .split('+')
      .flatMap((node) => node.split('|').filter(Boolean))
      .forEach((edge, e) => expect(cell.edgeOps[e]).toContain(edge.split('~')[0]));
    const table = loadNb201(join(resourcesDir(), 'nb201'), 'cifar10');
    expect(table.test[table.cells.fromArchString(final.arch)]).toBeGreaterThan(0);
    s.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses what the stages cannot do on NB201, naming the field', () => {
    const issue = (progressive: Record<string, number>, space: Record<string, unknown> = {}) => {
      const r = DrnasConfig.safeParse({ algorithm: 'drnas', space: { kind: 'nb201', channels: 8, ...space }, epochs: 10, progressive });
      return r.success ? null : `${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
    };
    const ok = { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 3, firstStageEpochs: 5, archWarmupEpochs: 2 };
    expect(issue(ok)).toBeNull();
    expect(issue(ok, { channels: 6 })).toMatch(/^progressive.firstPartialChannels: K=4 must divide the space's channels \(6\)/);
    expect(issue({ ...ok, keepOps: 5 })).toMatch(/^progressive.keepOps: keepOps \(5\) must be below the ops of an edge \(5\), or nothing is pruned: keep at most 4/);
    expect(issue(ok, { ops: ['none', 'skip_connect', 'nor_conv_3x3'] })).toMatch(/^progressive.keepOps: keepOps \(3\) must be below the ops of an edge \(3\)/);
  });

  it('the network refuses per-edge op lists it cannot build', () => {
    const build = (edgeOps: Nb201Op[][]) => () => new Nb201Supernet({ kind: 'nb201', ops: ['none', 'skip_connect', 'avg_pool_3x3'], channels: 2, cellsPerStage: 1 }, { inChannels: 1, numClasses: 2 }, new Rng(1), { edgeOps });
    const six = (ops: Nb201Op[]) => Array.from({ length: 6 }, () => ops);
    expect(build(six(['none', 'skip_connect']).slice(0, 5))).toThrow(/5 edge lists were given, the cell has 6 edges/);
    expect(build([...six(['none', 'skip_connect']).slice(0, 5), ['none']])).toThrow(/edge 5 has 1 ops, edge 0 has 2/);
    expect(build(six(['none', 'nor_conv_3x3']))).toThrow(/edge 0 lists nor_conv_3x3, which the space's ops \(none, skip_connect, avg_pool_3x3\) do not have/);
    expect(build(six(['skip_connect', 'skip_connect']))).toThrow(/edge 0 lists an op more than once/);
  });

  it('continues bit for bit from the first stage, its end and the middle of the second stage', async () => {
    // Two epochs of two batches, the second stage from epoch 1: step 3 is mid-second-stage, its
    // checkpoint holds the kept ops; the Hessian each epoch runs on both stages' networks.
    const config = {
      algorithm: 'drnas',
      ...data,
      space: SPACE,
      batchSize: 4,
      epochs: 2,
      batchesPerEpoch: 2,
      validBatches: 1,
      reportEvery: 1,
      seed: 5,
      hessianIters: 2,
      progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 3, firstStageEpochs: 1, archWarmupEpochs: 0 },
    };
    const { epochEnds } = await expectResumeExact(config, [1, 2, 3]);
    expect(epochEnds).toEqual([2, 4]);
  });
});
