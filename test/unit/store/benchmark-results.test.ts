import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore } from '../../../src-main/store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const predictors = {
  dataset: 'cifar10',
  seeds: 3,
  testSize: 1000,
  rows: [{ predictor: 'gp', pretrained: null, label: 'Gaussian process (RBF)', trainSize: 100, kendall: { mean: 0.389, std: 0.07 }, spearman: { mean: 0.552, std: 0.087 }, fitSeconds: 0.44, pretrainSeconds: 0 }],
};

describe('saved comparisons', () => {
  it('stores and lists them in a real SQLite file, newest first, and refuses malformed data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-bench-results-'));
    dirs.push(dir);
    const file = join(dir, 'store.db');
    const store = openStore(file);
    expect(MIGRATIONS.some((m) => m.name === 'saved predictor and strategy comparisons')).toBe(true);
    const a = store.benchmarkResults.add('predictors', 'predictors cifar10', predictors);
    const strategies = { dataset: 'cifar10', trials: 2, budget: 3, target: 93.5, results: { random: { trials: 2, testMean: 93, testStd: 0.5, valMean: 91, curve: [90, 92, 93], curveStd: [1, 1, 0.5], toReach: { target: 93.5, reached: 0, mean: null, std: null }, seconds: 0.1 } } };
    const b = store.benchmarkResults.add('strategies', 'strategies cifar10', strategies);
    expect(() => store.benchmarkResults.add('predictors', 'bad', { rows: 'no' })).toThrow();
    store.close();
    const again = openStore(file, { readonly: true });
    const all = again.benchmarkResults.list();
    expect(all.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(again.benchmarkResults.list('predictors')).toEqual([{ ...a, createdAt: expect.any(String) }]);
    expect(all[0].data).toEqual(strategies);
    again.close();
  });
});
