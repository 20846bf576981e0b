import { describe, expect, it } from 'vitest';
import { BananasConfig, LocalSearchConfig, RandomSearchConfig, RegularizedEvolutionConfig, type BlackBoxConfig } from '../../../src-shared/model/algorithms/blackbox';
import { Genotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import type { Evaluator } from '../../../src-main/engine/search/blackbox/evaluators/evaluator';
import { createBlackBoxStrategy } from '../../../src-main/engine/search/blackbox/factory';
import { QueryLog } from '../../../src-main/engine/search/blackbox/query-log';
import { DartsCells, type DartsCellPair } from '../../../src-main/engine/search/blackbox/spaces/darts-cells';
import { recordingReporter } from './fake-benchmark';

/** Two nodes, two ops besides none: node 0 reads {0, 1} (4 op choices), node 1 two of {0, 1, 2} (3 × 4). */
const TINY = { kind: 'darts', ops: ['none', 'skip_connect', 'sep_conv_3x3'], nodes: 2, layers: 3, channels: 4 };
const OPS = ['skip_connect', 'sep_conv_3x3'];

/** Every cell of TINY by brute force: node 0 takes inputs 0 and 1, node 1 any two of 0, 1, 2, any ops. */
function allCells(): [string, number][][] {
  const out: [string, number][][] = [];
  for (const a of OPS) for (const b of OPS) for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) for (const c of OPS) for (const d of OPS) {
    out.push([[a, 0], [b, 1], [c, i], [d, j]]);
  }
  return out;
}

/** Pairs that differ in exactly one [op, input] slot, and there in exactly one of op or input. */
function oneStep(x: DartsCellPair, y: DartsCellPair): boolean {
  const diffs: [[string, number], [string, number]][] = [];
  const where = new Set<string>();
  for (const kind of ['normal', 'reduce'] as const) {
    x[kind].forEach((p, i) => {
      if (p[0] === y[kind][i][0] && p[1] === y[kind][i][1]) return;
      diffs.push([p, y[kind][i]]);
      where.add(`${kind}:${Math.floor(i / 2)}`);
    });
  }
  if (diffs.length === 1) return (diffs[0][0][0] === diffs[0][1][0]) !== (diffs[0][0][1] === diffs[0][1][1]);
  // An input change can reorder one node's two slots (inputs stay ascending): compare them as sets.
  if (diffs.length !== 2 || where.size !== 1) return false;
  const key = (p: [string, number]) => `${p[0]}~${p[1]}`;
  const before = new Set(diffs.map((d) => key(d[0])));
  const after = diffs.map((d) => key(d[1]));
  const kept = after.filter((k) => before.has(k)).length;
  if (kept !== 1) return false;
  const [gone] = diffs.map((d) => d[0]).filter((p) => !after.includes(key(p)));
  const [came] = diffs.map((d) => d[1]).filter((p) => !before.has(key(p)));
  return gone[0] === came[0] && gone[1] !== came[1];
}

describe('the DARTS cell space', () => {
  const cells = new DartsCells(TINY);
  const all = allCells();

  it('counts its cells as brute force does, and encodes each cell pair differently', () => {
    expect(all.length).toBe(48);
    expect(cells.size).toBe(48 * 48);
    const codes = new Set<string>();
    for (const normal of all) for (const reduce of all.slice(0, 6)) codes.add(cells.encode({ normal, reduce }).join(''));
    expect(codes.size).toBe(48 * 6);
    const code = cells.encode({ normal: all[7], reduce: all[30] });
    expect(code.length).toBe(2 * 5 * 2); // two cells, five supernet edges, two ops each
    expect(code.filter((v) => v === 1).length).toBe(2 * 4); // one per [op, input]
  });

  it('samples every cell of a kind uniformly (chi-square, 19,200 draws, 47 degrees of freedom)', () => {
    const rng = new Rng(7);
    const index = new Map(all.map((c, i) => [JSON.stringify(c), i]));
    const counts = new Array<number>(48).fill(0);
    const n = 19_200;
    for (let t = 0; t < n; t++) counts[index.get(JSON.stringify(cells.sample(rng).normal)) as number]++;
    const expected = n / 48;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(82.72); // 0.999 quantile of chi-square(47)
  });

  it('lists as neighbours exactly the pairs one op or one input away, and mutates to one of them', () => {
    const rng = new Rng(3);
    for (let t = 0; t < 5; t++) {
      const arch = cells.sample(rng);
      const expected = all.flatMap((normal) => [{ normal, reduce: arch.reduce }]).concat(all.map((reduce) => ({ normal: arch.normal, reduce })));
      const near = expected.filter((y) => oneStep(arch, y)).map((y) => cells.key(y)).sort();
      expect(cells.neighbours(arch).map((y) => cells.key(y)).sort()).toEqual(near);
      expect(near).toContain(cells.key(cells.mutate(arch, rng)));
    }
  });

  it('gives valid DARTS genotypes that use only each edge’s ops and never none (RobustDARTS S3)', () => {
    const s3 = new DartsCells(robustDartsSpace('S3', { channels: 4, layers: 3 }));
    const rng = new Rng(5);
    for (let t = 0; t < 50; t++) {
      const g = Genotype.parse(s3.toGenotype(s3.mutate(s3.sample(rng), rng)));
      if (g.space !== 'darts') throw new Error('expected a DARTS genotype');
      expect([...g.normal, ...g.reduce].every(([op]) => op === 'skip_connect' || op === 'sep_conv_3x3')).toBe(true);
      expect(g.normal_concat).toEqual([2, 3, 4, 5]);
    }
    expect(() => cells.toGenotype({ normal: [['none', 0], ['skip_connect', 1], ['skip_connect', 0], ['skip_connect', 1]], reduce: all[0] })).toThrow(/not an input of node 0/);
  });
});

describe('black-box strategies on the DARTS cell space', () => {
  /** A made-up objective: the number of sep_conv_3x3 in both cells (8 at best). */
  const evaluator: Evaluator = {
    name: 'sep-count',
    costUnit: 'queries',
    evaluate: async (g) => ({ metric: g.space === 'darts' ? [...g.normal, ...g.reduce].filter(([op]) => op === 'sep_conv_3x3').length : 0, cost: 1 }),
    dispose() {},
  };
  const configs: BlackBoxConfig[] = [
    RandomSearchConfig.parse({ algorithm: 'random', budget: 30 }),
    RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 30, populationSize: 5, sampleSize: 3 }),
    LocalSearchConfig.parse({ algorithm: 'ls', budget: 30 }),
  ];
  for (const config of configs) {
    it(`${config.algorithm} queries 30 distinct cell pairs and answers the best`, async () => {
      const reporter = recordingReporter();
      const log = new QueryLog(new DartsCells(TINY), evaluator, reporter, config.budget);
      const strategy = createBlackBoxStrategy(config, log, new Rng(2), reporter);
      let done = false;
      while (!done) ({ done } = await strategy.step());
      const entries = log.entries();
      expect(new Set(entries.map((q) => log.cells.key(q.arch))).size).toBe(30);
      const best = Math.max(...entries.map((q) => q.metric));
      const answer = strategy.genotype();
      expect(answer && (await evaluator.evaluate(answer)).metric).toBe(best);
    });
  }

  const predictors = [
    { kind: 'mlp', encoding: 'path' },
    { kind: 'gcn' },
    { kind: 'gp', encoding: 'adjacency' },
    { kind: 'arch2vec-frozen', pretrainCells: 40, pretrainEpochs: 1 },
  ];
  for (const predictor of predictors) {
    it(`BANANAS with the ${predictor.kind} predictor queries 20 distinct cell pairs`, async () => {
      const config = BananasConfig.parse({ algorithm: 'bananas', budget: 20, numInit: 8, batchSize: 4, exploitFraction: 0.75, predictor: { ...predictor, epochs: 20, ensembleSize: 2 } });
      const reporter = recordingReporter();
      const log = new QueryLog(new DartsCells(TINY), evaluator, reporter, config.budget);
      const strategy = createBlackBoxStrategy(config, log, new Rng(5), reporter);
      let done = false;
      while (!done) ({ done } = await strategy.step());
      expect(new Set(log.entries().map((q) => log.cells.key(q.arch))).size).toBe(20);
      strategy.dispose();
    });
  }
});
