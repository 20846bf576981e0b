import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BananasConfig, DartsTrainingEvaluatorConfig, LocalSearchConfig, RegularizedEvolutionConfig, type BlackBoxConfig } from '../../../src-shared/model/algorithms/blackbox';
import { NoshConfig, RankNoshConfig } from '../../../src-shared/model/algorithms/nosh';
import { Genotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { blackBoxFactory } from '../../../src-main/engine/search/blackbox/factory';
import { dartsCellRecipe, dartsCellWeights } from '../../../src-main/engine/search/blackbox/evaluators/darts-evaluators';
import { loadTrainingData } from '../../../src-main/engine/search/blackbox/evaluators/nb201-training';
import { ResumableTrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/resumable-training';
import { TrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/training-evaluator';
import { noshFactory } from '../../../src-main/engine/search/blackbox/nosh-factory';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { DartsCells } from '../../../src-main/engine/search/blackbox/spaces/darts-cells';
import { initBackends } from '../backend/compare';
import { recordingReporter } from './fake-benchmark';

/** Two cells of 4 nodes over three ops besides none, a 3-cell network of C=4: seconds per query here. */
const SPACE = { kind: 'darts', ops: ['none', 'skip_connect', 'max_pool_3x3', 'sep_conv_3x3'], nodes: 4, layers: 3, channels: 4, stemMultiplier: 1 };
const DATA = { dataset: { name: 'embedded', trainLimit: 400 }, batchSize: 32, batchesPerEpoch: 2, space: SPACE };
const EVALUATORS = [
  { kind: 'darts-train', ...DATA, epochs: 1, learningRate: 0.05 },
  { kind: 'darts-supernet', ...DATA, supernetEpochs: 1, validBatches: 2, learningRate: 0.05 },
];

beforeAll(async () => {
  await initBackends();
});

describe('DARTS-space evaluators', () => {
  it("one-hot weights pick each chosen edge's op and none elsewhere", () => {
    const cells = new DartsCells(SPACE);
    const pair = cells.sample(new Rng(1));
    const w = dartsCellWeights(SPACE, pair);
    const rows = w.normal!.weights.arraySync();
    // edge order: node 0 ← 0, 1; node 1 ← 0, 1, 2; ...; the edge (node, from) is row node(node+3)/2 + from
    for (let node = 0; node < 4; node++) {
      for (let from = 0; from < node + 2; from++) {
        const chosen = pair.normal.slice(2 * node, 2 * node + 2).find(([, f]) => f === from);
        const row = rows[(node * (node + 3)) / 2 + from];
        expect(row[SPACE.ops.indexOf(chosen ? chosen[0] : 'none')]).toBe(1);
        expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      }
    }
    w.normal!.weights.dispose();
    w.reduce!.weights.dispose();
  });

  for (const evaluator of EVALUATORS) {
    const configs: BlackBoxConfig[] = [
      RegularizedEvolutionConfig.parse({ algorithm: 'rea', budget: 4, populationSize: 2, sampleSize: 2, evaluator }),
      LocalSearchConfig.parse({ algorithm: 'ls', budget: 4, evaluator }),
      BananasConfig.parse({ algorithm: 'bananas', budget: 4, numInit: 2, batchSize: 2, evaluator, predictor: { epochs: 10 } }),
    ];
    for (const config of configs) {
      it(`${config.algorithm} completes a short search with ${evaluator.kind} and answers a DARTS genotype`, async () => {
        const before = tf.memory().numTensors;
        const reporter = recordingReporter();
        const strategy = await blackBoxFactory({ config, rng: new Rng(7), reporter, resourcesDir: 'resources' });
        let done = false;
        while (!done) ({ done } = await strategy.step());
        const evaluations = reporter.seen.artifacts.filter((a) => a.kind === 'evaluation');
        expect(evaluations).toHaveLength(4);
        for (const e of evaluations) expect(e.data.metric).toBeGreaterThanOrEqual(0);
        const found = Genotype.parse(strategy.genotype());
        expect(found.space).toBe('darts');
        strategy.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});

describe('NOSH and Rank-NOSH on the DARTS cell space (darts-train, paused and resumed)', () => {
  const evaluator = { kind: 'darts-train', ...DATA, epochs: 2, learningRate: 0.05 };

  it('a cell pair trained 1 epoch, saved, loaded and trained 1 more scores exactly what 2 epochs in one go give', async () => {
    const before = tf.memory().numTensors;
    const config = DartsTrainingEvaluatorConfig.parse(evaluator);
    const cells = new DartsCells(SPACE);
    const data = await loadTrainingData(config, 'resources', new Rng(7).fork('data'));
    const trainings = () => new ResumableTrainingEvaluator('darts-train', dartsCellRecipe(cells, SPACE, data), config, data, new Rng(7).fork('cells'));
    const pair = cells.sample(new Rng(3));
    const oneGo = await new TrainingEvaluator('darts-train', trainings()).evaluate(cells.toGenotype(pair));

    const first = trainings();
    await first.trainEpoch(pair, 0);
    const bundle = emptyBundle();
    first.saveState(bundleWriter(bundle));
    first.dispose();
    const second = trainings();
    second.loadState(bundleReader(bundle, 'memory'));
    await second.trainEpoch(pair, 1);
    const pieces = await second.score(pair, 2);
    second.dispose();

    expect(pieces.metric).toBe(oneGo.metric);
    expect(oneGo.cost).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const algorithm of ['nosh', 'rank-nosh'] as const) {
    it(`${algorithm} climbs DARTS cell pairs up a two-level pyramid and answers a DARTS genotype`, async () => {
      const before = tf.memory().numTensors;
      const schema = algorithm === 'nosh' ? NoshConfig : RankNoshConfig;
      const config = schema.parse({ algorithm, evaluator, levels: [1, 2], batch: 2, budget: 6, ...(algorithm === 'rank-nosh' ? { ranker: { epochs: 5, numCandidates: 10 } } : {}) });
      const reporter = recordingReporter();
      const strategy = await noshFactory({ config, rng: new Rng(7), reporter, resourcesDir: 'resources' });
      let done = false;
      while (!done) ({ done } = await strategy.step());
      const found = Genotype.parse(strategy.genotype());
      expect(found.space).toBe('darts');
      // 6 epochs: every epoch spent is one training epoch of one pair, and at least one pair reached the top (2 epochs).
      const spent = reporter.seen.metrics.filter((m) => m.key === 'search.best_val');
      expect(spent.length).toBeGreaterThan(0);
      strategy.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("scores new DARTS pairs at level 0 with a zero-cost proxy ('params') before any training", async () => {
    const before = tf.memory().numTensors;
    const config = NoshConfig.parse({ algorithm: 'nosh', evaluator, levels: [1, 2], batch: 6, budget: 2, level0: 'params' });
    const reporter = recordingReporter();
    const strategy = await noshFactory({ config, rng: new Rng(7), reporter, resourcesDir: 'resources' });
    let done = false;
    while (!done) ({ done } = await strategy.step());
    const admitted = reporter.seen.artifacts.filter((a) => a.kind === 'nosh.level' && a.data.level === 0);
    expect(admitted.length).toBeGreaterThan(1);
    // The proxy's network is the pair's evaluation network. Of SPACE's ops only sep_conv_3x3 has
    // weights, and skip_connect from a cell input in a reduction cell (a FactorizedReduce: two 1×1
    // convs); all normal cells (and all reduction cells) are alike. So the count is a constant plus
    // a positive weight per such edge of each kind, and a pair with at least as many of each kind,
    // more of one, counts more; the same numbers, the same count.
    const kinds = (key: string) => {
      const [normal, reduce] = key.split('|');
      return [normal.split('sep_conv_3x3').length - 1, reduce.split('sep_conv_3x3').length - 1, (reduce.match(/skip_connect~[01](,|$)/g) ?? []).length];
    };
    const cells = admitted.map((a) => ({ kinds: kinds(a.data.arch as string), params: a.data.metric as number }));
    let compared = 0;
    for (const x of cells) {
      for (const y of cells) {
        const atLeast = x.kinds.every((k, i) => k >= y.kinds[i]);
        if (atLeast && x.kinds.some((k, i) => k > y.kinds[i])) {
          expect(x.params).toBeGreaterThan(y.params);
          compared++;
        }
        if (atLeast && x.kinds.every((k, i) => k === y.kinds[i])) expect(x.params).toBe(y.params);
      }
    }
    expect(compared).toBeGreaterThan(0);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
