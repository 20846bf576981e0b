import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { BananasConfig, type BlackBoxConfig, LocalSearchConfig, RandomSearchConfig, RegularizedEvolutionConfig } from '../../../src-shared/model/algorithms/blackbox';
import { RunConfig } from '../../../src-shared/model/run-config';
import { blackBoxFactory, createBlackBoxStrategy } from '../../../src-main/engine/search/blackbox/factory';
import { QueryLog } from '../../../src-main/engine/search/blackbox/query-log';
import { TabularEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/tabular-evaluator';
import type { RegularizedEvolution } from '../../../src-main/engine/search/blackbox/strategies/regularized-evolution';
import type { BlackBoxStrategy } from '../../../src-main/engine/search/blackbox/strategies/base';
import { fakeTable, hamming, recordingReporter } from './fake-benchmark';

const table = fakeTable();
const { cells } = table;
const valOf = (arch: string): number => table.val[cells.fromArchString(arch)];
const allArchs = Array.from({ length: cells.size }, (_, c) => cells.toArchString(c));
/** One-edge neighbours found by comparing strings, not by the space's own arithmetic. */
const neighboursOf = (arch: string): string[] => allArchs.filter((a) => hamming(a, arch) === 1);

function setup(config: BlackBoxConfig, seed = 1) {
  const reporter = recordingReporter();
  const log = new QueryLog(cells, new TabularEvaluator('fake', table), reporter, config.budget);
  const strategy = createBlackBoxStrategy(config, log, new Rng(seed), reporter);
  return { reporter, log, strategy };
}

async function finish(strategy: BlackBoxStrategy): Promise<void> {
  let done = false;
  while (!done) ({ done } = await strategy.step());
}

describe('black-box strategies on a hand-made 64-cell benchmark', () => {
  it('random search queries distinct cells and reports the incumbent after every query', async () => {
    const { reporter, log, strategy } = setup(RandomSearchConfig.parse({ algorithm: 'random', budget: 20 }));
    await finish(strategy);
    const evals = reporter.seen.evaluations;
    expect(evals.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(evals.map((e) => e.arch)).size).toBe(20);
    let best = -Infinity;
    let bestTest = Number.NaN;
    evals.forEach((e) => {
      expect(e.metric).toBe(valOf(e.arch));
      if (e.metric > best) [best, bestTest] = [e.metric, table.test[cells.fromArchString(e.arch)]];
      const at = reporter.seen.metrics.filter((m) => m.step === e.step);
      expect(at.find((m) => m.key === 'search.best_val')?.value).toBe(best);
      expect(at.find((m) => m.key === 'search.best_test')?.value).toBe(bestTest);
    });
    const final = reporter.seen.genotypes.filter((g) => g.final);
    expect(final).toHaveLength(1);
    expect(final[0].genotype).toEqual({ space: 'nb201', arch: cells.toArchString((log.incumbent as { arch: number }).arch) });
    expect(valOf((strategy.genotype() as { arch: string }).arch)).toBe(best);
  });

  it('random search with a budget of the whole space sees every cell once and finds the optimum', async () => {
    const { log, strategy } = setup(RandomSearchConfig.parse({ algorithm: 'random', budget: 1000 }));
    expect(strategy.totalSteps).toBe(64);
    await finish(strategy);
    expect(log.used).toBe(64);
    expect(new Set(log.history).size).toBe(64);
    expect(log.incumbent?.metric).toBe(91.5);
  });

  it('regularized evolution mutates the best of S members drawn with replacement and ages out the oldest', async () => {
    const P = 5;
    const S = 3;
    /** Records the members REA draws, so that the test knows each tournament. */
    class SpyRng extends Rng {
      readonly picks: unknown[] = [];
      override pick<T>(items: readonly T[]): T {
        const x = super.pick(items);
        this.picks.push(x);
        return x;
      }
    }
    const rng = new SpyRng(3);
    const reporter = recordingReporter();
    const log = new QueryLog(cells, new TabularEvaluator('fake', table), reporter, 40);
    const config = RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 40, populationSize: P, sampleSize: S });
    const rea = createBlackBoxStrategy(config, log, rng, reporter) as RegularizedEvolution;
    let children = 0;
    let done = false;
    while (!done) {
      const before = rea.population.slice();
      rng.picks.length = 0;
      ({ done } = await rea.step());
      const after = rea.population;
      expect(after[after.length - 1].arch).toBe(log.history[log.history.length - 1]);
      // members are distinct objects and the population is a FIFO window: the step's new members
      // are those that were not there before, and `after` = (before + born).slice(-P); the first
      // P − |before| of them fill the population at random, the rest are children
      const born = after.filter((m) => !before.includes(m));
      expect(after).toEqual([...before, ...born].slice(-P));
      const fill = Math.min(born.length, P - before.length);
      // a step may breed more children than the window keeps (cached ones are free); those aged
      // out within the step are not observable, but their tournaments come first in the picks
      const tournaments = rng.picks.length / S;
      const hidden = tournaments - (born.length - fill);
      expect(Number.isInteger(tournaments) && hidden >= 0).toBe(true);
      if (hidden > 0) expect(born).toHaveLength(P);
      let pop = before.slice();
      born.forEach((child, i) => {
        if (i >= fill) {
          const k = hidden + i - fill;
          const sample = rng.picks.slice(k * S, (k + 1) * S) as typeof before;
          if (hidden === 0) for (const m of sample) expect(pop.includes(m)).toBe(true);
          const parent = sample.reduce((x, y) => (y.metric > x.metric ? y : x));
          expect(hamming(cells.toArchString(parent.arch), cells.toArchString(child.arch))).toBe(1);
          children++;
        }
        pop = [...pop, child].slice(-P);
      });
    }
    expect(log.used).toBe(40);
    expect(children).toBeGreaterThanOrEqual(40 - P);
  });

  it('local search climbs to the best neighbour while it improves, then restarts', async () => {
    const { reporter, log, strategy } = setup(LocalSearchConfig.parse({ algorithm: 'ls', budget: 50 }), 11);
    await finish(strategy);
    expect(log.used).toBe(50);
    const seen = new Set<string>();
    let current: string | null = null;
    let climbs = 0;
    let restarts = 0;
    const roundDone = (at: string): { best: string; allSeen: boolean } => {
      const nbrs = neighboursOf(at);
      const best = nbrs.reduce((a, b) => (valOf(b) > valOf(a) ? b : a));
      return { best, allSeen: nbrs.every((n) => seen.has(n)) };
    };
    for (const { kind, data } of reporter.seen.artifacts) {
      if (kind === 'local-search.start') {
        if (current !== null) {
          const { best, allSeen } = roundDone(current);
          expect(allSeen).toBe(true);
          expect(valOf(best)).toBeLessThan(valOf(current));
        }
        current = data.arch as string;
        restarts++;
      } else if (kind === 'local-search.move') {
        expect(data.from).toBe(current);
        const { best, allSeen } = roundDone(current as string);
        expect(allSeen).toBe(true);
        expect(data.to).toBe(best);
        expect(valOf(best)).toBeGreaterThan(valOf(current as string));
        current = best;
        climbs++;
      } else if (kind === 'evaluation') {
        const arch = data.arch as string;
        expect(seen.has(arch)).toBe(false);
        expect(arch === current || neighboursOf(current as string).includes(arch)).toBe(true);
        seen.add(arch);
      }
    }
    expect(climbs).toBeGreaterThan(0);
    expect(restarts).toBeGreaterThan(1);
  });

  it('BANANAS starts with random cells, then queries unseen mutations of the two best cells', async () => {
    const config = BananasConfig.parse({
      algorithm: 'bananas',
      budget: 30,
      numInit: 6,
      batchSize: 3,
      acquisition: 'ucb',
      predictor: { hidden: [8, 8], epochs: 30, ensembleSize: 2 },
    });
    const { log, strategy } = setup(config, 2);
    await finish(strategy);
    const history = log.history.map((c) => cells.toArchString(c));
    expect(new Set(history).size).toBe(30);
    let checked = 0;
    for (let start = 6; start < 30; start += 3) {
      const known = history.slice(0, start);
      const parents = known.slice().sort((a, b) => valOf(b) - valOf(a)).slice(0, 2);
      const pool = new Set(parents.flatMap(neighboursOf).filter((n) => !known.includes(n)));
      for (const q of history.slice(start, start + 3)) {
        // from the mutation pool while it holds a batch; random unseen cells only fill up a short pool
        if (pool.size >= 3) {
          expect(pool.has(q)).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('is reproducible from the seed', async () => {
    for (const config of [
      RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 25, populationSize: 6, sampleSize: 3 }),
      LocalSearchConfig.parse({ algorithm: 'ls', budget: 25 }),
      BananasConfig.parse({ algorithm: 'bananas', budget: 16, numInit: 5, predictor: { epochs: 10 } }),
    ]) {
      const a = setup(config, 9);
      const b = setup(config, 9);
      await finish(a.strategy);
      await finish(b.strategy);
      expect(a.log.history).toEqual(b.log.history);
    }
  });

  it('joins the run-config union with NASLib defaults', () => {
    const rea = RunConfig.parse({ algorithm: 'rea' });
    expect(rea).toMatchObject({ populationSize: 30, sampleSize: 10, budget: 150, evaluator: { kind: 'nb201-tabular', dataset: 'cifar10' } });
    const bananas = RunConfig.parse({ algorithm: 'bananas' });
    expect(bananas).toMatchObject({ numInit: 10, batchSize: 10, acquisition: 'its', candidates: 'mutation', numCandidates: 100 });
    expect(() => RunConfig.parse({ algorithm: 'rea', populationSize: 0 })).toThrow();
  });

  it('the engine factory runs a RunConfig on the committed NB201 table and reports every query', async () => {
    const config = RunConfig.parse({ algorithm: 'ls', budget: 12, evaluator: { kind: 'nb201-tabular', dataset: 'cifar100' } });
    if (config.algorithm !== 'ls') throw new Error('parsed to the wrong algorithm');
    const reporter = recordingReporter();
    const strategy = await blackBoxFactory({ config, rng: new Rng(0), reporter, resourcesDir: 'resources' });
    expect(strategy.totalSteps).toBe(12);
    await finish(strategy as BlackBoxStrategy);
    expect(reporter.seen.evaluations).toHaveLength(12);
    expect(reporter.seen.metrics.filter((m) => m.key === 'search.best_test')).toHaveLength(12);
    expect(reporter.seen.genotypes.filter((g) => g.final)).toHaveLength(1);
    strategy.dispose();
  });
});
