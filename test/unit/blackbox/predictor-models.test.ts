import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { GpPredictor, hamming } from '../../../src-main/engine/search/blackbox/predictors/gp';
import { archFeatures } from '../../../src-main/engine/search/blackbox/predictors/features';
import { BayesianLinear } from '../../../src-main/engine/search/blackbox/predictors/bayes-linear';
import { GraphAutoencoder } from '../../../src-main/engine/search/blackbox/predictors/arch2vec';
import { Arch2vecPredictor, ARCH2VEC_PREDICTOR_DEFAULTS } from '../../../src-main/engine/search/blackbox/predictors/arch2vec-predictor';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { kendallTau } from '../../../src-main/engine/diagnostics/kendall';

/** The inverse of a 3×3 matrix by its adjugate (independent of the GP's Cholesky solve). */
function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const adj = [
    [e * i - f * h, c * h - b * i, b * f - c * e],
    [f * g - d * i, a * i - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d],
  ];
  return adj.map((row) => row.map((x) => x / det));
}

describe('performance predictors', () => {
  it('GP: posterior mean and variance on three points match the closed form', () => {
    const cells = new Nb201Cells();
    const features = archFeatures(cells, 'path');
    const hyper = { variance: 1.7, lengthscale: 1.3, noise: 0.2 };
    const gp = new GpPredictor(features, { hyper: 'fixed', fixed: hyper });
    const train = [0, 1234, 9876];
    const ys = [80, 85, 90];
    gp.fit(train, ys);
    const test = [4321, 1235];
    const p = gp.predict(test);
    // by hand: standardise y, K + σₙ²I, k*, mean = k*ᵀ(K+σₙ²I)⁻¹z, var = σ² − k*ᵀ(K+σₙ²I)⁻¹k*
    const mean = (80 + 85 + 90) / 3;
    const sd = Math.sqrt(((80 - mean) ** 2 + 0 + (90 - mean) ** 2) / 3);
    const z = ys.map((y) => (y - mean) / sd);
    const k = (a: number, b: number) => {
      const x = new Set(cells.pathOnes(a));
      const y = new Set(cells.pathOnes(b));
      const d = [...x].filter((v) => !y.has(v)).length + [...y].filter((v) => !x.has(v)).length;
      return hyper.variance * Math.exp(-d / (2 * hyper.lengthscale ** 2));
    };
    const inv = inverse3(train.map((a, i) => train.map((b, j) => k(a, b) + (i === j ? hyper.noise : 0))));
    test.forEach((t, c) => {
      const ks = train.map((a) => k(t, a));
      const w = inv.map((row) => row.reduce((s, x, j) => s + x * ks[j], 0));
      const mu = w.reduce((s, x, j) => s + x * z[j], 0);
      const variance = hyper.variance - w.reduce((s, x, j) => s + x * ks[j], 0);
      expect(p.mean[c]).toBeCloseTo(mu * sd + mean, 9);
      expect(p.std[c]).toBeCloseTo(Math.sqrt(variance) * sd, 9);
    });
    // at a training point with tiny noise the mean interpolates and the std vanishes
    const exact = new GpPredictor(features, { hyper: 'fixed', fixed: { ...hyper, noise: 1e-9 } });
    exact.fit(train, ys);
    const at = exact.predict(train);
    ys.forEach((y, i) => expect(at.mean[i]).toBeCloseTo(y, 5));
    at.std.forEach((s) => expect(s).toBeLessThan(1e-3));
  });

  it('GP: marginal likelihood picks a lengthscale and the Hamming distance counts differing bits', () => {
    expect(hamming([1, 4, 9], [1, 5, 9, 12])).toBe(3);
    const cells = new Nb201Cells();
    const gp = new GpPredictor(archFeatures(cells, 'path'));
    const rng = new Rng(3);
    const archs = Array.from({ length: 30 }, () => cells.sample(rng));
    // a target that depends on one path bit: the likelihood should prefer little noise
    const bit = cells.pathOnes(archs[0])[0];
    gp.fit(archs, archs.map((a) => (cells.pathOnes(a).includes(bit) ? 90 : 70)));
    expect(gp.hyper.noise / gp.hyper.variance).toBeLessThanOrEqual(0.1);
  });

  it('Bayesian linear head: posterior mean and variance match Bishop 3.53–3.54 for given α, β', () => {
    const phi = [[1], [2], [3], [5]];
    const t = [2.1, 3.9, 6.2, 9.8];
    const blr = new BayesianLinear();
    blr.fit(phi, t, 1); // one iteration: α = β = 1 as initialised, no re-estimation
    // S⁻¹ = I + ΦᵀΦ with Φ rows [x, 1]: [[1+39, 11], [11, 1+4]]
    const [a, b, d] = [40, 11, 5];
    const det = a * d - b * b;
    const s = [[d / det, -b / det], [-b / det, a / det]];
    const phiT = [1 * 2.1 + 2 * 3.9 + 3 * 6.2 + 5 * 9.8, 2.1 + 3.9 + 6.2 + 9.8];
    const m = [s[0][0] * phiT[0] + s[0][1] * phiT[1], s[1][0] * phiT[0] + s[1][1] * phiT[1]];
    const p = blr.predict([4]);
    expect(p.mean).toBeCloseTo(4 * m[0] + m[1], 10);
    expect(p.std).toBeCloseTo(Math.sqrt(16 * s[0][0] + 8 * s[0][1] + s[1][1]), 10);
  });

  it('arch2vec: the reconstruction loss falls on a small space, and no tensor leaks', () => {
    const cells = new Nb201Cells(['none', 'nor_conv_3x3']);
    const features = archFeatures(cells, 'path');
    const graphs = Array.from({ length: cells.size }, (_, c) => features.graphs(c)[0]);
    const before = tf.memory().numTensors;
    const ae = new GraphAutoencoder(features.nodeTypes, features.graphNodes, { hidden: 16, latent: 8, batchSize: 16, learningRate: 0.01, klWeight: 0.005 }, new Rng(1));
    const start = ae.reconstructionLoss(graphs);
    const losses = ae.pretrain(graphs, 25, new Rng(2));
    const end = ae.reconstructionLoss(graphs);
    expect(end).toBeLessThan(0.7 * start);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('arch2vec predictors fit and predict with an uncertainty, and free every tensor', () => {
    const cells = new Nb201Cells(['none', 'skip_connect', 'nor_conv_3x3']);
    const features = archFeatures(cells, 'path');
    const before = tf.memory().numTensors;
    const options = { ...ARCH2VEC_PREDICTOR_DEFAULTS, pretrainCells: 100, pretrainEpochs: 2, finetuneEpochs: 3 };
    for (const mode of ['frozen', 'finetune'] as const) {
      const p = new Arch2vecPredictor(features, { ...options, mode, pretrained: true });
      const train = Array.from({ length: 40 }, (_, i) => i);
      // a metric that counts conv ops: learnable from the node types
      const metric = (c: number) => 60 + 5 * cells.edgeOps(c).filter((d) => d === 2).length;
      p.fit(train, train.map(metric), new Rng(4));
      const held = Array.from({ length: 40 }, (_, i) => 200 + i);
      const { mean, std } = p.predict(held);
      expect(std.every((s) => s > 0 && Number.isFinite(s))).toBe(true);
      expect(kendallTau(mean, held.map(metric))).toBeGreaterThan(0.3);
      p.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Kendall's τ-b matches a hand count, with ties", () => {
    // pairs of [1,2,3,4] vs [1,3,2,4]: 5 concordant, 1 discordant → 4/6
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
    // a = [1,1,2], b = [1,2,3]: pairs (0,1) tied in a; (0,2), (1,2) concordant → 2 / √(2·3)
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
  });
});
