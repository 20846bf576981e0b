import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { deriveDartsGenotype } from '../../../src-shared/model/genotype-derive';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { EpochReport, oneShotReport, softmaxView } from '../../../src-main/engine/search/oneshot/epoch-report';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { TINY_SPACE, recorder, validationSplit } from './fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Entropy of softmax(row) by its definition −Σ p·log p, averaged over rows (independent of meanEntropy's form). */
function entropyByDefinition(alpha: number[][]): number {
  const rows = alpha.map((row) => {
    const z = row.reduce((s, a) => s + Math.exp(a), 0);
    return -row.reduce((s, a) => s + (Math.exp(a) / z) * Math.log(Math.exp(a) / z), 0);
  });
  return rows.reduce((s, h) => s + h, 0) / rows.length;
}

function setup(options: { hessianEvery?: number; validBatches?: number; reportEvery?: number } = {}) {
  const net = new DartsSupernet(TINY_SPACE, { inChannels: 1, numClasses: 3 }, new Rng(7));
  const rec = recorder();
  const split = validationSplit(11, 3);
  const report = new EpochReport({
    reporter: rec.reporter,
    view: softmaxView(net),
    reportEvery: options.reportEvery ?? 2,
    validation: split.pass,
    validBatches: options.validBatches ?? 2,
    hessianEvery: options.hessianEvery ?? 0,
    hessianIters: 3,
    archWeightDecay: 1e-3,
    rng: new Rng(3),
  });
  return { net, report, split, ...rec };
}

/** Gives every α entry a spread-out value, so entropy and genotype are not those of the near-uniform start. */
function assignAlphas(net: DartsSupernet, seed: number): Record<string, number[][]> {
  const rng = new Rng(seed);
  const out: Record<string, number[][]> = {};
  for (const a of net.arch) {
    const [rows, cols] = a.alpha.shape;
    out[a.kind] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.normal()));
    a.alpha.assign(tf.tensor2d(out[a.kind]));
  }
  return out;
}

describe('epoch report', () => {
  it('reports entropy, genotype, skip counts and alphas of the α it is given', async () => {
    const { net, report, values, genotypes, artifacts } = setup();
    const alpha = assignAlphas(net, 21);
    await report.endEpoch({ step: 5, epoch: 1, final: true });

    for (const kind of ['normal', 'reduce']) {
      const [point] = values(`alpha.entropy.${kind}`);
      expect(point.step).toBe(5);
      expect(point.value).toBeCloseTo(entropyByDefinition(alpha[kind]), 5);
    }
    const expected = deriveDartsGenotype(alpha.normal, alpha.reduce, TINY_SPACE.ops, TINY_SPACE.nodes);
    expect(genotypes).toEqual([{ genotype: expected, step: 5, epoch: 1, final: true }]);
    const skips = (cell: [string, number][]) => cell.filter(([op]) => op === 'skip_connect').length;
    expect(values('genotype.skip.normal')[0].value).toBe(skips(expected.normal));
    expect(values('genotype.skip.reduce')[0].value).toBe(skips(expected.reduce));
    const snapshot = artifacts.find((a) => a.kind === 'alphas')?.data as { cells: { kind: string; alpha: number[][] }[] };
    for (const cell of snapshot.cells) cell.alpha.flat().forEach((v, i) => expect(v).toBeCloseTo(alpha[cell.kind].flat()[i], 6));
    report.dispose();
    net.dispose();
  });

  it('train means are running means over the epoch, weighted by batch size, restarted each epoch', async () => {
    const { net, report, values } = setup({ reportEvery: 2 });
    const steps: [number, number, number][] = [[2, 0.5, 4], [1, 1, 2], [4, 0, 2]]; // loss, acc, batch size
    steps.forEach(([loss, acc, n], i) => report.trainStep({ step: i + 1, epoch: (i + 1) / 3 }, loss, acc, n));
    await report.endEpoch({ step: 3, epoch: 1, final: false });
    report.trainStep({ step: 4, epoch: 4 / 3 }, 3, 0.25, 4);
    await report.endEpoch({ step: 4, epoch: 2, final: true });
    // After step 2: (2·4 + 1·2)/6; at the end of epoch 1: (8 + 2 + 8)/8; epoch 2 starts afresh.
    expect(values('train.loss').map((m) => [m.step, m.value])).toEqual([[2, 10 / 6], [3, 18 / 8], [4, 3]]);
    expect(values('train.acc').map((m) => [m.step, m.value])).toEqual([[2, 4 / 6], [3, 4 / 8], [4, 0.25]]);
    expect(values('train.epoch.loss').map((m) => [m.epoch, m.value])).toEqual([[1, 18 / 8], [2, 3]]);
    report.dispose();
    net.dispose();
  });

  it('validation loss and accuracy cover the first validBatches batches of the pass, read no further', async () => {
    const { net, report, values, split } = setup({ validBatches: 2 });
    assignAlphas(net, 4);
    await report.endEpoch({ step: 1, epoch: 1, final: false });
    expect(split.counter.built).toBe(2);

    let lossSum = 0;
    let right = 0;
    let count = 0;
    for (const batch of [...split.pass()].slice(0, 2)) {
      const logits = net.forward(batch.x, { normal: { weights: tf.softmax(net.arch[0].alpha) as tf.Tensor2D }, reduce: { weights: tf.softmax(net.arch[1].alpha) as tf.Tensor2D } });
      const p = tf.softmax(logits).arraySync() as number[][];
      const labels = batch.y.arraySync() as number[];
      p.forEach((row, i) => {
        lossSum -= Math.log(row[labels[i]]);
        if (row.indexOf(Math.max(...row)) === labels[i]) right++;
        count++;
      });
    }
    expect(values('valid.loss')[0].value).toBeCloseTo(lossSum / count, 4);
    expect(values('valid.acc')[0].value).toBeCloseTo(right / count, 6);
    report.dispose();
    net.dispose();
  });

  it('hessianEvery is honoured; α restored; no tensors leak over several epochs', async () => {
    const never = setup({ hessianEvery: 0 });
    for (let e = 1; e <= 3; e++) await never.report.endEpoch({ step: e, epoch: e, final: e === 3 });
    expect(never.values('hessian.eigenvalue')).toEqual([]);
    never.report.dispose();
    never.net.dispose();

    const { net, report, values } = setup({ hessianEvery: 2 });
    assignAlphas(net, 9);
    const before = net.arch.map((a) => a.alpha.arraySync());
    const counts: number[] = [];
    for (let e = 1; e <= 5; e++) {
      report.trainStep({ step: e, epoch: e }, 1, 0.5, 4);
      await report.endEpoch({ step: e, epoch: e, final: e === 5 });
      counts.push(tf.memory().numTensors);
    }
    expect(values('hessian.eigenvalue').map((m) => m.epoch)).toEqual([2, 4]);
    expect(values('hessian.eigenvalue').every((m) => Number.isFinite(m.value))).toBe(true);
    expect(net.arch.map((a) => a.alpha.arraySync())).toEqual(before);
    // The fixed Hessian batch is made at epoch 2 and kept; nothing else stays.
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1], counts[1]]);
    expect(counts[1]).toBe(counts[0] + 2);
    report.dispose();
    expect(tf.memory().numTensors).toBe(counts[0]);
    net.dispose();
  });

  it('records warning.collapse once, at the first epoch the normal cell is half parameter-free, with a log line saying why', async () => {
    const { net, report, values, reporter } = setup();
    const logs: string[] = [];
    reporter.log = (level, message) => logs.push(`${level}: ${message}`);
    // TINY_SPACE: ops [max_pool_3x3, skip_connect, dil_conv_3x3], one node, so the normal cell has 2 inputs.
    const normalRows: Record<number, number[][]> = {
      1: [[0, 0, 3], [0, 0, 3]], // both dil_conv: 0 of 2
      2: [[0, 3, 0], [0, 0, 3]], // one skip: 1 of 2 = the 50 % threshold
      3: [[0, 3, 0], [0, 3, 0]], // both skip: still collapsed, but already warned
    };
    for (const epoch of [1, 2, 3]) {
      net.arch[0].alpha.assign(tf.tensor2d(normalRows[epoch]));
      await report.endEpoch({ step: 10 * epoch, epoch, final: epoch === 3 });
    }
    expect(values('genotype.param_free.normal').map((m) => m.value)).toEqual([0, 1, 2]);
    expect(values('warning.collapse').map((m) => [m.step, m.epoch, m.value])).toEqual([[20, 2, 2]]);
    expect(logs.filter((l) => l.includes('collapse'))).toEqual([expect.stringMatching(/^warn: epoch 2: collapse warning: .*1 of the normal cell's 2 inputs/)]);

    // After a checkpoint the resumed report remembers it already warned.
    const bundle = emptyBundle();
    report.saveState(bundleWriter(bundle));
    const resumed = setup();
    resumed.report.loadState(bundleReader(bundle, 'test'));
    resumed.net.arch[0].alpha.assign(tf.tensor2d(normalRows[3]));
    await resumed.report.endEpoch({ step: 40, epoch: 4, final: true });
    expect(resumed.values('warning.collapse')).toEqual([]);
    for (const r of [report, resumed.report]) r.dispose();
    for (const n of [net, resumed.net]) n.dispose();
  });

  it('a run\'s report states the Hessian\'s cost in its log', async () => {
    const net = new DartsSupernet(TINY_SPACE, { inChannels: 1, numClasses: 3 }, new Rng(7));
    const rec = recorder();
    const logs: string[] = [];
    rec.reporter.log = (_level, message) => logs.push(message);
    // Defaults: every epoch, 20 iterations: 40 passes against 10 steps per epoch = 400 %.
    const config = DartsConfig.parse({ algorithm: 'darts', space: TINY_SPACE });
    const report = oneShotReport(config, rec.reporter, softmaxView(net), { validation: validationSplit(11, 1).pass, stepsPerEpoch: 10 }, new Rng(3));
    expect(logs).toEqual([expect.stringMatching(/^Hessian eigenvalue every epoch: 40 forward\+backward passes .* ≈ 400 % on top of an epoch's 10 weight-training passes/)]);
    report.dispose();
    net.dispose();
  });
});
