import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FewshotConfig } from '../../../src-shared/model/algorithms/fewshot';
import { Rng } from '../../../src-shared/model/rng';
import { createFewshotStrategy } from '../../../src-main/engine/search/oneshot/fewshot';
import { createDartsStrategy } from '../../../src-main/engine/search/oneshot/darts';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import { resourcesDir } from '../../../src-main/host/paths';
import { initBackends } from '../backend/compare';
import { TINY_SPACE, recorder } from '../darts/fixtures';

beforeAll(initBackends);

describe('few-shot search on Fashion-MNIST (the embedded sample)', () => {
  it('reports each sub-supernet under its op and answers the cell of the best validating one, its split edge holding its op', async () => {
    const rec = recorder();
    const base = { dataset: { name: 'embedded', trainLimit: 16 }, space: TINY_SPACE, batchSize: 8, validBatches: 1, reportEvery: 2, hessianEvery: 0, seed: 4 };
    const config = FewshotConfig.parse({ algorithm: 'fewshot', ...base, warmupEpochs: 1, epochs: 1 });
    const before = tf.memory().numTensors;
    const s = await createFewshotStrategy({ config, rng: new Rng(config.seed), reporter: rec.reporter, resourcesDir: resourcesDir() });
    // 8 images train the weights: 1 step per epoch; 1 warm-up epoch and 3 sub-supernets of 1.
    expect(s.totalSteps).toBe(4);
    let steps = 0;
    while (!(await s.step()).done) steps++;
    expect(steps + 1).toBe(4);
    const last = (key: string) => rec.values(key).at(-1)!;
    const figures = s.ops.map((op) => ({ op, acc: last(`fewshot.${op}.valid.acc`), loss: last(`fewshot.${op}.valid.loss`) }));
    for (const f of figures) {
      expect(f.acc.value).toBeGreaterThanOrEqual(0);
      expect(f.acc.value).toBeLessThanOrEqual(1);
    }
    // Each sub-supernet's figure is the run's valid.acc at the end of its epoch, on the run's step axis.
    expect(figures.map((f) => f.acc.step)).toEqual([2, 3, 4]);
    expect(rec.values('valid.acc').map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(figures.map((f) => f.acc.value)).toEqual(rec.values('valid.acc').slice(1).map((p) => p.value));
    const best = figures.reduce((b, f) => (f.acc.value > b.acc.value || (f.acc.value === b.acc.value && f.loss.value < b.loss.value) ? f : b));
    const finals = rec.genotypes.filter((g) => g.final);
    expect(finals).toHaveLength(1);
    // TINY_SPACE's one node takes two of its two inputs: the split edge (input 0) holds the best op.
    const normal = (finals[0].genotype as { normal: [string, number][] }).normal;
    expect(normal).toContainEqual([best.op, 0]);
    expect(finals[0].genotype).toEqual(s.subSupernets()[s.ops.indexOf(best.op)].genotype);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // The warm-up is DARTS: a DARTS run of one epoch on the same seed reports the same figures.
    const dartsRec = recorder();
    const darts = await createDartsStrategy({ config: DartsConfig.parse({ algorithm: 'darts', ...base, epochs: 1 }), rng: new Rng(config.seed), reporter: dartsRec.reporter, resourcesDir: resourcesDir() });
    await darts.step();
    darts.dispose();
    const warmup = rec.metrics.filter((p) => p.step <= 1);
    expect(warmup.length).toBeGreaterThan(3);
    expect(warmup).toEqual(dartsRec.metrics);
  });
});
