import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { kendallTau } from '../../../src-main/engine/diagnostics/kendall';
import { archFeatures } from '../../../src-main/engine/search/blackbox/predictors/features';
import { createPredictor } from '../../../src-main/engine/search/blackbox/predictors/registry';
import { RankerPredictor } from '../../../src-main/engine/search/blackbox/predictors/ranker-predictor';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { BananasPredictorConfig } from '../../../src-shared/model/algorithms/blackbox';

describe('the pairwise ranker as a predictor', () => {
  const cells = new Nb201Cells(['none', 'skip_connect', 'nor_conv_3x3']);
  // A metric that counts conv ops: an order the GCN can learn from the node types.
  const metric = (c: number) => 60 + 5 * cells.edgeOps(c).filter((d) => d === 2).length;
  const train = Array.from({ length: 40 }, (_, i) => 3 * i);
  const held = Array.from({ length: 60 }, (_, i) => 300 + i);

  it('orders held-out cells by the metric it saw only as pairs (τ > 0.5), with no uncertainty', () => {
    const p = new RankerPredictor(archFeatures(cells, 'adjacency'));
    p.fit(train, train.map(metric), new Rng(4));
    const { mean, std } = p.predict(held);
    expect(kendallTau(mean, held.map(metric))).toBeGreaterThan(0.5);
    expect(std.every((s) => s === 0)).toBe(true);
    p.dispose();
    expect(() => p.predict(held)).toThrow(/only after fit/);
  });

  it('depends on the labels only through their order: a monotone map of the targets fits the same ranker', () => {
    const a = new RankerPredictor(archFeatures(cells, 'adjacency'));
    const b = new RankerPredictor(archFeatures(cells, 'adjacency'));
    a.fit(train, train.map(metric), new Rng(9));
    b.fit(train, train.map((c) => Math.exp(metric(c) / 10)), new Rng(9));
    expect(Array.from(b.predict(held).mean)).toEqual(Array.from(a.predict(held).mean));
  });

  it('is one entry of the predictor registry (kind "ranker")', () => {
    const p = createPredictor(cells, BananasPredictorConfig.parse({ kind: 'ranker' }));
    expect(p).toBeInstanceOf(RankerPredictor);
  });
});
