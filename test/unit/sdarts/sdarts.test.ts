import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import { SdartsAdvConfig, SdartsRsConfig } from '../../../src-shared/model/algorithms/sdarts';
import { Rng } from '../../../src-shared/model/rng';
import { DartsStrategy } from '../../../src-main/engine/search/oneshot/darts';
import { SdartsAdvStrategy, SdartsRsStrategy, clipRows, pgdPerturbation, randomPerturbation, sdartsEpsilon } from '../../../src-main/engine/search/oneshot/sdarts';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { supernetObjective } from '../../../src-main/engine/search/sampled/supernet-objective';
import { TINY_SPACE, recorder, synthetic, syntheticBatch, validationSplit } from '../darts/fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = () => ({ train: synthetic(2), valid: synthetic(3), inChannels: 1, numClasses: 3, stepsPerEpoch: 3, validation: validationSplit(5, 1).pass });

describe('SDARTS perturbations', () => {
  it('ε grows linearly from 0.03 to ε over the epochs (the authors’ schedule)', () => {
    expect(sdartsEpsilon(0, 50, 0.3, 0.03)).toBeCloseTo(0.03, 12);
    expect(sdartsEpsilon(25, 50, 0.3, 0.03)).toBeCloseTo(0.165, 12);
    expect(sdartsEpsilon(49, 50, 0.3, 0.03)).toBeCloseTo(0.2946, 12);
  });

  it('clip clamps to [0, 1], revives an all-zero row at its arg-max, and renormalises (by hand)', () => {
    const [a, b, c] = clipRows([[0.5, -0.2, 0.9], [-0.1, -0.3], [1.3, 0.2]]);
    [0.5 / 1.4, 0, 0.9 / 1.4].forEach((v, k) => expect(a[k]).toBeCloseTo(v, 12));
    expect(b).toEqual([1, 0]);
    [1 / 1.2, 0.2 / 1.2].forEach((v, k) => expect(c[k]).toBeCloseTo(v, 12));
  });

  it('random smoothing adds one U(−ε, ε) draw per entry, row by row, then clips', () => {
    const rows = [[0.2, 0.3, 0.5], [0.6, 0.4, 0]];
    const got = randomPerturbation(rows, 0.1, new Rng(11));
    const u = new Rng(11);
    const noisy = rows.map((row) => row.map((v) => v + 0.1 * (2 * u.next() - 1)));
    // Clip by hand: only the 0 entry can fall below zero.
    const expected = noisy.map((row) => {
      const c = row.map((v) => Math.max(0, v));
      const s = c.reduce((x, y) => x + y, 0);
      return c.map((v) => v / s);
    });
    got.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 12));
  });

  it('PGD stays within ε of softmax(α), ends on the simplex, and raises the loss beyond random noise of the same radius', () => {
    const net = new DartsSupernet(TINY_SPACE, { inChannels: 1, numClasses: 3 }, new Rng(8));
    const batch = syntheticBatch(new Rng(9));
    const objective = supernetObjective(net, batch);
    const rng = new Rng(4);
    const start = net.arch.flatMap((a) => a.alpha.arraySync().map((row) => {
      const e = row.map(Math.exp);
      const s = e.reduce((x, y) => x + y, 0);
      return e.map((v) => v / s);
    }));
    const epsilon = 0.2;
    const before = tf.memory().numTensors;
    const { weights, delta } = pgdPerturbation(start, (rows) => objective.relaxed(rows), epsilon, 7, rng);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.max(...delta.flat().map(Math.abs))).toBeLessThanOrEqual(epsilon + 1e-12);
    const rebuilt = clipRows(start.map((row, e) => row.map((v, k) => v + delta[e][k])));
    weights.flat().forEach((v, i) => expect(v).toBeCloseTo(rebuilt.flat()[i], 12));
    for (const row of weights) {
      expect(row.every((v) => v >= 0)).toBe(true);
      expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    }
    const clean = objective.relaxed(start).value;
    const attacked = objective.relaxed(weights).value;
    const noise = Array.from({ length: 8 }, () => objective.relaxed(randomPerturbation(start, epsilon, rng)).value);
    expect(attacked).toBeGreaterThan(clean);
    expect(attacked).toBeGreaterThan(Math.max(...noise));
    batch.x.dispose();
    batch.y.dispose();
    net.dispose();
  });
});

describe('SDARTS strategies', () => {
  it('SDARTS-RS with a vanishing radius follows DARTS; with SDARTS’s radius it does not', async () => {
    const alphasAfter = async (make: () => DartsStrategy<any>) => {
      const s = make();
      for (let i = 0; i < 6; i++) await s.step();
      const values = s.alphas().cells.flatMap((c) => c.alpha.flat());
      s.dispose();
      return values;
    };
    const base = { epochs: 2, space: TINY_SPACE, reportEvery: 3, validBatches: 1, archLearningRate: 0.05, hessianIters: 2 };
    const ctx = <C,>(config: C) => ({ config, rng: new Rng(1), reporter: recorder().reporter, resourcesDir: '' });
    const darts = await alphasAfter(() => new DartsStrategy(ctx(DartsConfig.parse({ algorithm: 'darts', ...base })), { data: data() }));
    const tiny = await alphasAfter(() => new SdartsRsStrategy(ctx(SdartsRsConfig.parse({ algorithm: 'sdarts-rs', ...base, epsilon: 1e-7, epsilonMin: 1e-7 })), { data: data() }));
    const full = await alphasAfter(() => new SdartsRsStrategy(ctx(SdartsRsConfig.parse({ algorithm: 'sdarts-rs', ...base, epsilon: 0.6, epsilonMin: 0.6 })), { data: data() }));
    const gap = (x: number[]) => Math.max(...x.map((v, i) => Math.abs(v - darts[i])));
    expect(gap(tiny)).toBeLessThan(1e-4);
    expect(gap(full)).toBeGreaterThan(1e-3);
  });

  for (const algorithm of ['sdarts-rs', 'sdarts-adv'] as const) {
    it(`${algorithm}: tensor count flat across steps, α moves, ε reported, done after epochs·stepsPerEpoch`, async () => {
      // hessianEvery 0: the Hessian's fixed batch (kept from its first measurement) would add 2 tensors; epoch-report.test.ts covers it.
      const input = { algorithm, epochs: 2, space: TINY_SPACE, reportEvery: 3, validBatches: 1, hessianEvery: 0 };
      const rec = recorder();
      const ctx = { rng: new Rng(1), reporter: rec.reporter, resourcesDir: '' };
      const s = algorithm === 'sdarts-rs'
        ? new SdartsRsStrategy({ ...ctx, config: SdartsRsConfig.parse(input) }, { data: data() })
        : new SdartsAdvStrategy({ ...ctx, config: SdartsAdvConfig.parse({ ...input, attackSteps: 2 }) }, { data: data() });
      const before = s.alphas().cells[0].alpha.flat();
      await s.step();
      const start = tf.memory().numTensors;
      let done = false;
      for (let i = 0; i < 5; i++) done = (await s.step()).done;
      expect(tf.memory().numTensors).toBe(start);
      expect(done).toBe(true);
      expect(s.alphas().cells[0].alpha.flat().some((v, i) => Math.abs(v - before[i]) > 1e-5)).toBe(true);
      expect(rec.values('epsilon').map((m) => m.value)).toEqual([0.03, 0.03, 0.03, 0.165, 0.165, 0.165]);
      expect(rec.genotypes.filter((g) => g.final)).toHaveLength(1);
      s.dispose();
    });
  }
});
