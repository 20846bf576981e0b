import { beforeAll, describe, expect, it } from 'vitest';
import { NoshConfig, RankNoshConfig, noshLevels } from '../../../src-shared/model/algorithms/nosh';
import { Rng } from '../../../src-shared/model/rng';
import { CurveEvaluator, nb201SyntheticCurves } from '../../../src-main/engine/search/blackbox/evaluators/learning-curves';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { DEFAULT_PROXY_SETTINGS } from '../../../src-main/engine/proxies/scorer';
import { createNosh, level0Dataset, proxyLevel0 } from '../../../src-main/engine/search/blackbox/nosh-factory';
import { SparseInputMlp } from '../../../src-main/engine/search/blackbox/predictors/mlp';
import { PairwiseRanker, pairwiseLoss } from '../../../src-main/engine/search/blackbox/predictors/pairwise-ranker';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { Nosh } from '../../../src-main/engine/search/blackbox/strategies/nosh';
import { RandomProposer, RankerProposer, oneHotMlp, pyramidPairs } from '../../../src-main/engine/search/blackbox/strategies/nosh-proposers';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { fakeTable } from './fake-benchmark';

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };

describe('pairwise logistic loss', () => {
  it('matches a hand computation, loss and gradient', () => {
    // Cell 0 above cells 1 and 2; scores 1, 0, 2: L = (log(1+e^-1) + log(1+e^1)) / 2.
    const d = new Float64Array(3);
    const loss = pairwiseLoss([1, 0, 2], [{ better: 0, worse: 1 }, { better: 0, worse: 2 }], d);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(loss).toBeCloseTo((Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(1))) / 2, 12);
    expect(loss).toBeCloseTo(0.8132616875, 9);
    expect(d[0]).toBeCloseTo(-(sig(-1) + sig(1)) / 2, 12); // = -0.5
    expect(d[1]).toBeCloseTo(sig(-1) / 2, 12);
    expect(d[2]).toBeCloseTo(sig(1) / 2, 12);
  });

  it('does not overflow for large margins', () => {
    expect(pairwiseLoss([0, 1000], [{ better: 0, worse: 1 }])).toBeCloseTo(1000, 9);
    expect(pairwiseLoss([1000, 0], [{ better: 0, worse: 1 }])).toBeCloseTo(0, 12);
  });
});

describe('pairwise ranker', () => {
  const cells = new Nb201Cells(['none', 'skip_connect', 'nor_conv_3x3']);
  const ones = (a: number) => cells.encode(a).flatMap((b, i) => (b ? [i] : []));

  it('has the gradient of its pairwise loss (central differences, relative error < 1e-6)', () => {
    const rng = new Rng(3);
    const ranker = new PairwiseRanker(new SparseInputMlp(cells.encode(0).length, [6, 5], rng));
    const xs = [5, 100, 377, 600, 42].map(ones);
    const pairs = [{ better: 0, worse: 1 }, { better: 2, worse: 1 }, { better: 3, worse: 4 }, { better: 4, worse: 0 }];
    const grads = new Float64Array(ranker.net.params.length);
    ranker.addGradient(xs, pairs, grads);
    const p = ranker.net.params;
    const h = 1e-6;
    let checked = 0;
    for (let k = 0; k < p.length; k += 7) {
      const keep = p[k];
      p[k] = keep + h;
      const up = ranker.addGradient(xs, pairs, new Float64Array(p.length));
      p[k] = keep - h;
      const down = ranker.addGradient(xs, pairs, new Float64Array(p.length));
      p[k] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - grads[k])).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(grads.some((g) => g !== 0)).toBe(true);
  });

  it('learns an order from pairs: Kendall τ > 0.8 on unseen cells', () => {
    // The hidden quality: +1 per 3×3 conv edge, +0.5 per skip edge, weighted by edge position.
    const quality = (a: number) => cells.edgeOps(a).reduce((s, op, e) => s + (op === 2 ? 1 : op === 1 ? 0.5 : 0) * (1 + e / 10), 0);
    const rng = new Rng(11);
    const train = Array.from({ length: 60 }, () => rng.int(cells.size));
    const pairs = [];
    for (let i = 0; i < train.length; i++) for (let j = 0; j < train.length; j++) if (quality(train[i]) > quality(train[j])) pairs.push({ better: i, worse: j });
    const ranker = new PairwiseRanker(new SparseInputMlp(cells.encode(0).length, [16], rng));
    ranker.fit(train.map(ones), pairs, { epochs: 20, batchSize: 64, learningRate: 0.01 }, rng);
    const test = Array.from({ length: 80 }, () => rng.int(cells.size));
    let concordant = 0;
    let discordant = 0;
    for (let i = 0; i < test.length; i++) {
      for (let j = i + 1; j < test.length; j++) {
        const q = Math.sign(quality(test[i]) - quality(test[j]));
        const s = Math.sign(ranker.score(ones(test[i])) - ranker.score(ones(test[j])));
        if (q !== 0 && s === q) concordant++;
        else if (q !== 0) discordant++;
      }
    }
    expect((concordant - discordant) / (concordant + discordant)).toBeGreaterThan(0.8);
  });
});

/**
 * The hand-made benchmark: the 64 two-op NB201 cells of fake-benchmark.ts (final accuracies a
 * permutation of 60.0..91.5), each with a known learning curve over 8 epochs,
 * acc(e) = final − (final − 10)·r^e, r = 0.3 + 0.4·((5c + 1) mod 8)/7 per cell c. The speeds differ
 * so much that the order after one epoch is far from the final one, but the best cell (index 19,
 * final 91.5) learns fastest (r = 0.3), so it is first at every level. Levels 1, 2, 4, 8 epochs,
 * share 1/2: once all 64 cells are in, 32 may be above level 1, 16 above 2 and 8 above 4.
 */
function handMadeBenchmark() {
  const table = fakeTable();
  const rate = (c: number) => 0.3 + (0.4 * ((5 * c + 1) % 8)) / 7;
  const curve = (c: number, e: number) => ({ metric: table.val[c] - (table.val[c] - 10) * rate(c) ** e, ...(e === 8 ? { test: table.test[c] } : {}) });
  return { table, curve, evaluator: new CurveEvaluator('hand-made', table.cells, 8, curve) };
}

describe('NOSH on a hand-made benchmark of known learning curves', () => {
  it('the benchmark is what its comment says: best cell 19, first at every level, early order far from final', () => {
    const { table, curve } = handMadeBenchmark();
    const all = [...Array(64).keys()];
    const best = all.reduce((b, c) => (table.val[c] > table.val[b] ? c : b), 0);
    expect(best).toBe(19);
    for (const e of [1, 2, 4, 8]) expect(all.every((c) => c === best || curve(c, e).metric < curve(best, e).metric)).toBe(true);
    // Spearman ρ between the order after one epoch and the final order: about 0.4.
    const rankOf = (score: (c: number) => number) => new Map([...all].sort((a, b) => score(b) - score(a)).map((c, i) => [c, i]));
    const r1 = rankOf((c) => curve(c, 1).metric);
    const r8 = rankOf((c) => table.val[c]);
    const rho = 1 - (6 * all.reduce((s, c) => s + ((r1.get(c) as number) - (r8.get(c) as number)) ** 2, 0)) / (64 * (64 ** 2 - 1));
    expect(rho).toBeLessThan(0.5);
  });

  for (const [name, proposer] of [
    ['NOSH', (cells: Nb201Cells) => new RandomProposer(cells)],
    ['Rank-NOSH', (cells: Nb201Cells) => new RankerProposer(cells, oneHotMlp(cells, [8]), { epochs: 5, batchSize: 32, learningRate: 0.01, maxPairs: 300, numCandidates: 20 })],
  ] as const) {
    for (const seed of [0, 1, 2]) {
      it(`${name} (seed ${seed}) keeps the best cell and trains the others less: 160 epochs for 64 cells, not 64 × 8 = 512`, async () => {
        const { table, evaluator } = handMadeBenchmark();
        const nosh = new Nosh(table.cells, evaluator, new Rng(seed), silent, { levels: [1, 2, 4, 8], promoteShare: 0.5, batch: 8, budget: 1000, level0: null, proposer: proposer(table.cells) });
        let steps = 0;
        while (!(await nosh.step()).done) steps++;
        // Every cell admitted, then no quota has room: 32·1 + 16·2 + 8·4 + 8·8 = 160 epochs.
        expect(nosh.pyramid.length).toBe(64);
        expect(nosh.epochsSpent).toBe(160);
        expect(steps).toBe(160);
        const stoppedAt = [0, 0, 0, 0, 0];
        for (const c of nosh.pyramid) {
          stoppedAt[c.level]++;
          expect(c.epochs).toBe([0, 1, 2, 4, 8][c.level]);
        }
        expect(stoppedAt).toEqual([0, 32, 16, 8, 8]);
        expect(nosh.incumbent?.arch).toBe(19);
        expect(nosh.incumbent?.level).toBe(4);
        expect(nosh.incumbent?.test).toBe(table.test[19]);
      });
    }
  }

  it('Rank-NOSH with the GCN ranker, as the factory builds it, also keeps the best cell for 160 epochs', async () => {
    const { table, evaluator } = handMadeBenchmark();
    const config = RankNoshConfig.parse({ algorithm: 'rank-nosh', budget: 1000, batch: 8, levels: [1, 2, 4, 8], ranker: { encoder: 'gcn', hidden: [6], epochs: 5, maxPairs: 300, numCandidates: 20 }, evaluator: { kind: 'nb201-train', epochs: 8 } });
    const nosh = createNosh(config, table.cells, evaluator, new Rng(0), silent);
    while (!(await nosh.step()).done);
    expect(nosh.epochsSpent).toBe(160);
    expect(nosh.incumbent?.arch).toBe(19);
  });

  it('stops at the epoch budget exactly, and its answer is the best cell of the highest level reached', async () => {
    const { table, evaluator } = handMadeBenchmark();
    const nosh = new Nosh(table.cells, evaluator, new Rng(4), silent, { levels: [1, 2, 4, 8], promoteShare: 0.5, batch: 8, budget: 37, level0: null, proposer: new RandomProposer(table.cells) });
    while (!(await nosh.step()).done);
    expect(nosh.epochsSpent).toBe(37);
    expect(nosh.pyramid.reduce((s, c) => s + c.epochs, 0)).toBe(37);
    const top = Math.max(...nosh.pyramid.map((c) => c.level));
    const best = nosh.pyramid.filter((c) => c.level === top).reduce((b, c) => ((c.scores[top] as number) > (b.scores[top] as number) ? c : b));
    expect(nosh.incumbent).toBe(best);
  });

  it('orders pairs at the highest level both cells reached', () => {
    const cell = (arch: number, level: number, scores: (number | null)[]) => ({ arch, key: String(arch), level, epochs: 0, scores });
    const pyramid = [cell(0, 2, [null, 50, 70]), cell(1, 1, [null, 60]), cell(2, 2, [null, 40, 80]), cell(3, 0, [null])];
    // 0 vs 1 at level 1: 60 > 50; 0 vs 2 at level 2: 80 > 70; 1 vs 2 at level 1: 60 > 40; cell 3 never.
    const all = [{ better: 1, worse: 0 }, { better: 2, worse: 0 }, { better: 1, worse: 2 }];
    expect(pyramidPairs(pyramid, 3, new Rng(0))).toEqual(all);
    // Over the cap: drawn pairs, each one of the three (in either draw order), never cell 3.
    const drawn = pyramidPairs(pyramid, 2, new Rng(0));
    expect(drawn).toHaveLength(2);
    for (const p of drawn) expect(all).toContainEqual(p);
  });
});

describe('NB201 synthetic learning curves', () => {
  it('end at the table value after 200 epochs (test figure only there) and start near chance', () => {
    const table = fakeTable();
    const curve = nb201SyntheticCurves(table, 0);
    for (let c = 0; c < 64; c += 9) {
      expect(curve(c, 200)).toEqual({ metric: table.val[c], test: table.test[c] });
      expect(curve(c, 100).test).toBeUndefined();
      // Epoch 1: 10 + (val − 10)·(1 − e^(−1/τ))/(1 − e^(−200/τ)) with τ ≥ 10 is at most 10 + 0.1·(val − 10), plus noise of std < 2.
      expect(curve(c, 1).metric).toBeLessThan(10 + 0.1 * (table.val[c] - 10) + 8);
      expect(curve(c, 1)).toEqual(nb201SyntheticCurves(table, 0)(c, 1));
    }
    expect(() => curve(0, 0)).toThrow(/epochs 1..200/);
  });

  it('the curve evaluator checks that a cell is trained one epoch at a time from where it stopped', async () => {
    const { evaluator } = handMadeBenchmark();
    await evaluator.trainEpoch(5, 0);
    await expect(evaluator.trainEpoch(5, 0)).rejects.toThrow(/trained 1 epochs, not 0/);
    await expect(evaluator.score(5, 2)).rejects.toThrow(/trained 1 epochs, not 2/);
  });
});

describe('epoch-0 level and config', () => {
  // Nested cells of the hand-made space (3×3 convs or none): each adds conv edges to the one before. With
  // |θ|, an all-ones input and BN at its initial statistics every path carries a positive value, so an
  // added edge adds paths and synflow (like the parameter count) grows strictly: a known order.
  const nested = [
    '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    '|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|',
    '|nor_conv_3x3~0|+|none~0|none~1|+|nor_conv_3x3~0|nor_conv_3x3~1|none~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  ];
  const resources = join(import.meta.dirname, '..', '..', '..', 'resources');
  beforeAll(async () => {
    await selectBackend();
  });

  it('a proxy as level 0: synflow and params of nested cells increase with the edges, on the evaluator\'s input shape, nothing left behind', async () => {
    const { table } = handMadeBenchmark();
    const archs = nested.map((a) => table.cells.fromArchString(a));
    expect(level0Dataset({ kind: 'nb201-curves', dataset: 'imagenet16-120', curveSeed: 0 })).toBe('imagenet16-120');
    const before = tf.memory().numTensors;
    for (const proxy of ['synflow', 'params'] as const) {
      const score = await proxyLevel0(proxy, table.cells, 'cifar10', { ...DEFAULT_PROXY_SETTINGS, batchSize: 4, ntkBatchSize: 4 }, resources);
      const values = [];
      for (const a of archs) values.push(await score(a));
      score.dispose?.();
      for (let i = 1; i < values.length; i++) expect(values[i], `${proxy} of ${nested[i]}`).toBeGreaterThan(values[i - 1]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('NOSH with synflow as level 0 trains the better-scored half of a round, best first', async () => {
    const { table, evaluator } = handMadeBenchmark();
    const archs = nested.map((a) => table.cells.fromArchString(a));
    const round = [archs[1], archs[3], archs[0], archs[2]]; // not in the proxy's order
    const proposer = { propose: (pyramid: readonly unknown[], count: number) => round.slice(pyramid.length, pyramid.length + count) };
    const level0 = await proxyLevel0('synflow', table.cells, 'cifar10', { ...DEFAULT_PROXY_SETTINGS, batchSize: 4, ntkBatchSize: 4 }, resources);
    const nosh = new Nosh(table.cells, evaluator, new Rng(0), silent, { levels: [1, 2, 4, 8], promoteShare: 0.5, batch: 4, budget: 2, level0, proposer });
    await nosh.step();
    expect(nosh.pyramid.map((c) => c.arch)).toEqual(round);
    expect(nosh.pyramid.filter((c) => c.epochs > 0).map((c) => c.arch)).toEqual([archs[3]]); // the first epoch goes to the highest synflow
    while (!(await nosh.step()).done);
    // Of 4 scored cells, half may reach level 1: the two with the highest synflow.
    expect(nosh.pyramid.filter((c) => c.level >= 1).map((c) => c.arch)).toEqual([archs[3], archs[2]]); // in admission order
    nosh.dispose();
  });

  it('with a scorer, level 0 is a level like the others: half the cells are trained, the higher-scored ones first', async () => {
    const { table, evaluator } = handMadeBenchmark();
    const convs = (c: number) => table.cells.edgeOps(c).filter((d) => d === 1).length;
    const nosh = new Nosh(table.cells, evaluator, new Rng(6), silent, {
      levels: [1, 2, 4, 8], promoteShare: 0.5, batch: 8, budget: 1000, proposer: new RandomProposer(table.cells),
      level0: async (c) => convs(c),
    });
    while (!(await nosh.step()).done);
    // 64 scored, 32 trained: 32·1 + 16·1 + 8·2 + 4·4 = 80 epochs.
    expect(nosh.pyramid.length).toBe(64);
    expect(nosh.pyramid.filter((c) => c.level >= 1)).toHaveLength(32);
    expect(nosh.epochsSpent).toBe(80);
    const mean = (cs: readonly { arch: number }[]) => cs.reduce((s, c) => s + convs(c.arch), 0) / cs.length;
    expect(mean(nosh.pyramid.filter((c) => c.level >= 1))).toBeGreaterThan(mean(nosh.pyramid.filter((c) => c.level === 0)) + 1);
    expect(nosh.pyramid.every((c) => c.scores[0] === convs(c.arch))).toBe(true);
  });

  it('the last level must be the full training, and levels increase', () => {
    expect(noshLevels(NoshConfig.parse({ algorithm: 'nosh' }))).toEqual([12, 25, 50, 100, 200]);
    // Halvings of a 4-epoch training: ⌊4/16⌋ and ⌊4/8⌋ are 0, raised to 1 and merged.
    expect(noshLevels(NoshConfig.parse({ algorithm: 'nosh', evaluator: { kind: 'nb201-train', epochs: 4 } }))).toEqual([1, 2, 4]);
    expect(noshLevels(NoshConfig.parse({ algorithm: 'nosh', levels: [100, 200] }))).toEqual([100, 200]);
    expect(() => NoshConfig.parse({ algorithm: 'nosh', levels: [10, 100] })).toThrow(/full training, 200 epochs/);
    expect(() => RankNoshConfig.parse({ algorithm: 'rank-nosh', levels: [50, 20, 200] })).toThrow(/increase strictly/);
    expect(() => NoshConfig.parse({ algorithm: 'nosh', evaluator: { kind: 'nb201-train', epochs: 3 }, levels: [1, 3] })).not.toThrow();
  });
});
