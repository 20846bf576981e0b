import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kendall } from '../../../src-main/engine/proxies/correlation';
import { MIGRATIONS, openStore } from '../../../src-main/store';
import { tempDir } from '../store/helpers';

describe('Kendall τ-b, worked by hand', () => {
  it('one swapped pair in four: 5 concordant, 1 discordant, τ = 4/6', () => {
    expect(kendall([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });
  it('a tie in one list: C = 2, D = 0, one tie in a, τ_b = 2/√(3·2) (scipy 0.8165)', () => {
    expect(kendall([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });
  it('two −∞ (NASWOT of singular kernels) tie with each other instead of counting as discordant', () => {
    expect(kendall([-Infinity, -Infinity, 1], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
  });
  it('a constant list has no τ', () => {
    expect(kendall([2, 2, 2], [1, 2, 3])).toBeNaN();
  });
});

describe('the proxy score cache in a real SQLite file', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = join(temp.dir, 'workbench.sqlite');
  });
  afterEach(() => temp.remove());

  const scope = { space: 'nb201', dataset: 'cifar10', seed: 0, settings: 'batch=8;ntk=8;regions=3000' };

  it('keeps NaN, −∞ and numbers across a reopen, per scope, and replaces a row with the same key', () => {
    const store = openStore(file);
    store.proxyScores.put(scope, [
      { cell: 'a', proxy: 'naswot', value: -Infinity, seconds: 0.5 },
      { cell: 'a', proxy: 'jacob_cov', value: Number.NaN, seconds: 0.25 },
      { cell: 'a', proxy: 'synflow', value: 1.5e45, seconds: 0.125 },
    ]);
    store.proxyScores.put({ ...scope, seed: 1 }, [{ cell: 'a', proxy: 'synflow', value: 7, seconds: 1 }]);
    store.proxyScores.put(scope, [{ cell: 'a', proxy: 'synflow', value: 2e45, seconds: 0.25 }]);
    store.close();

    const again = openStore(file, { readonly: true });
    const rows = again.proxyScores.list(scope).sort((x, y) => x.proxy.localeCompare(y.proxy));
    expect(rows).toEqual([
      { cell: 'a', proxy: 'jacob_cov', value: Number.NaN, seconds: 0.25 },
      { cell: 'a', proxy: 'naswot', value: -Infinity, seconds: 0.5 },
      { cell: 'a', proxy: 'synflow', value: 2e45, seconds: 0.25 },
    ]);
    expect(again.proxyScores.list(scope, ['naswot']).map((r) => r.proxy)).toEqual(['naswot']);
    expect(again.proxyScores.scopes()).toEqual([
      { ...scope, cells: 1 },
      { ...scope, seed: 1, cells: 1 },
    ]);
    again.close();
  });

  it('writes a batch all or none: a bad row leaves nothing of it', () => {
    const store = openStore(file);
    expect(() =>
      store.proxyScores.put(scope, [
        { cell: 'b', proxy: 'snip', value: 1, seconds: 1 },
        { cell: 'b', proxy: 'grasp', value: 1, seconds: -1 },
      ]),
    ).toThrow(/seconds must be ≥ 0/);
    expect(store.proxyScores.list(scope)).toEqual([]);
    store.close();
  });

  it('comes from its own migration, applied after the earlier ones', () => {
    openStore(file).close();
    const raw = new Database(file, { readonly: true });
    expect(MIGRATIONS.map((m) => m.name)).toContain('zero-cost proxy scores');
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'proxy_scores'").get()).toEqual({ name: 'proxy_scores' });
    raw.close();
  });
});
