import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { loadNb201 } from '../../../src-main/engine/benchmarks/nb201';
import { SparseInputMlp } from '../../../src-main/engine/search/blackbox/predictors/mlp';
import { Gcn, gcnInput } from '../../../src-main/engine/search/blackbox/predictors/gcn';
import { archFeatures } from '../../../src-main/engine/search/blackbox/predictors/features';
import { DartsCells } from '../../../src-main/engine/search/blackbox/spaces/darts-cells';
import type { FlatNetwork } from '../../../src-main/engine/search/blackbox/predictors/network';
import { EnsemblePredictor, type PredictorOptions } from '../../../src-main/engine/search/blackbox/predictors/ensemble';
import { acquire, normalCdf } from '../../../src-main/engine/search/blackbox/predictors/acquisition';
import { spearman } from '../../../src-main/engine/diagnostics/spearman';

/** Central finite differences of the output against every parameter, compared with `backward`. */
function checkGradient<X>(net: FlatNetwork<X>, x: X): number {
  const analytic = new Float64Array(net.params.length);
  net.backward(x, analytic, () => 1);
  let worst = 0;
  const h = 1e-6;
  for (let k = 0; k < net.params.length; k++) {
    const keep = net.params[k];
    net.params[k] = keep + h;
    const up = net.forward(x);
    net.params[k] = keep - h;
    const down = net.forward(x);
    net.params[k] = keep;
    worst = Math.max(worst, Math.abs((up - down) / (2 * h) - analytic[k]));
  }
  return worst;
}

describe('predictors', () => {
  const cells = new Nb201Cells();

  it('MLP gradients match finite differences', () => {
    const rng = new Rng(1);
    const net = new SparseInputMlp(cells.pathLength, [7, 5], rng);
    for (let i = 0; i < 5; i++) expect(checkGradient(net, cells.pathOnes(cells.sample(rng)))).toBeLessThan(1e-6);
  });

  it('GCN gradients match finite differences, on a symmetric normalised adjacency', () => {
    const features = archFeatures(cells, 'path');
    const { adj } = gcnInput(features.graphs(0));
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(adj[i * 8 + j]).toBeCloseTo(adj[j * 8 + i], 12);
    // the input touches edges 0→1, 0→2, 0→3 and itself: degree 4, so Â[0][0] = 1/4
    expect(adj[0]).toBeCloseTo(1 / 4, 12);
    const rng = new Rng(2);
    const net = new Gcn(7, 6, rng);
    for (let i = 0; i < 5; i++) expect(checkGradient(net, gcnInput(features.graphs(cells.sample(rng))))).toBeLessThan(1e-6);
    // DARTS: two cells of 15 nodes as one block-diagonal graph
    const darts = archFeatures(new DartsCells({ kind: 'darts' }), 'adjacency');
    const dartsNet = new Gcn(darts.nodeTypes, 5, rng);
    expect(checkGradient(dartsNet, gcnInput(darts.graphs(darts.cells.sample(rng))))).toBeLessThan(1e-6);
  });

  it('ranks held-out NAS-Bench-201 cells (Spearman, reported)', () => {
    const table = loadNb201('resources/nb201', 'cifar10');
    const rng = new Rng(42);
    const order = rng.shuffle(Array.from({ length: cells.size }, (_, i) => i));
    const train = order.slice(0, 150);
    const held = order.slice(150, 1150);
    const base: PredictorOptions = { kind: 'mlp', ensembleSize: 3, hidden: [20, 20, 20], epochs: 100, batchSize: 32, learningRate: 0.01 };
    for (const [options, encoding] of [[base, 'path'], [base, 'adjacency'], [{ ...base, kind: 'gcn', hidden: [16] }, 'path']] as [PredictorOptions, 'path' | 'adjacency'][]) {
      const p = new EnsemblePredictor(archFeatures(cells, encoding), options);
      p.fit(train, train.map((c) => table.val[c]), new Rng(7));
      const { mean } = p.predict(held);
      const rho = spearman(mean, held.map((c) => table.val[c]));
      console.log(`Spearman on 1000 held-out NB201 CIFAR-10 cells, trained on 150: ${options.kind}/${options.kind === 'gcn' ? 'graph' : encoding} ${rho.toFixed(3)}`);
      expect(rho).toBeGreaterThan(0.5);
    }
  });

  it('computes acquisition values by their closed forms', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249978951, 6);
    const p = { mean: Float64Array.of(91, 90), std: Float64Array.of(0.5, 0) };
    const rng = new Rng(0);
    expect([...acquire('ucb', p, 90.5, rng)]).toEqual([91.25, 90]);
    expect(acquire('pi', p, 90.5, rng)[0]).toBeCloseTo(normalCdf(1), 9);
    expect(acquire('pi', p, 90.5, rng)[1]).toBe(0);
    // EI with NASLib's std / 5: E[max(Y − best, 0)] for Y ~ N(91, 0.1²), by numerical integration
    const s = 0.1;
    let integral = 0;
    for (let y = 91 - 10 * s; y <= 91 + 10 * s; y += s / 1000) {
      integral += Math.max(y - 90.95, 0) * Math.exp(-0.5 * ((y - 91) / s) ** 2) / (s * Math.sqrt(2 * Math.PI)) * (s / 1000);
    }
    expect(acquire('ei', p, 90.95, rng)[0]).toBeCloseTo(integral, 5);
    // ITS draws N(mean, std): over many draws the sample mean and spread match
    const many = { mean: new Float64Array(20000).fill(3), std: new Float64Array(20000).fill(2) };
    const draws = acquire('its', many, 0, new Rng(5));
    const m = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - m) ** 2, 0) / draws.length);
    expect(m).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});
