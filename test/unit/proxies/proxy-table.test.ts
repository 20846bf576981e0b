import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROXY_NAMES } from '../../../src-shared/model/proxies';
import { ProxyTable } from '../../../src-shared/model/proxies';
import { proxyTable } from '../../../src-main/host/proxy-table';
import { openStore, type Store } from '../../../src-main/store';
import { nb201Table } from '../../fixtures/published';
import { tempDir } from '../store/helpers';

describe("the Proxies view's channel reads the cache", () => {
  let temp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    temp = tempDir();
    store = openStore(join(temp.dir, 'workbench.sqlite'));
  });
  afterEach(() => {
    store.close();
    temp.remove();
  });

  it('a proxy equal to CIFAR-10 test accuracy has ρ = τ = 1 against it; −∞ travels as null; an empty cache answers no scope', () => {
    expect(proxyTable(store, undefined)).toEqual({ scopes: [], scope: null, cells: [], rows: [], values: {}, accuracy: {} });
    const published = nb201Table('cifar10');
    const cells = Object.keys(published).slice(0, 5);
    const scope = { space: 'nb201', dataset: 'cifar10', seed: 0, settings: 'batch=8;ntk=8;regions=3000' };
    for (const cell of cells) {
      store.proxyScores.put(
        scope,
        PROXY_NAMES.map((proxy) => ({ cell, proxy, value: proxy === 'naswot' && cell === cells[0] ? -Infinity : published[cell].test_acc_200, seconds: 1 })),
      );
    }
    const table = ProxyTable.parse(proxyTable(store, undefined));
    expect(table.scope).toEqual(scope);
    expect(table.cells).toHaveLength(5);
    const snip = table.rows.find((r) => r.proxy === 'snip')!;
    const c10 = snip.tables.find((t) => t.dataset === 'cifar10')!;
    expect(c10.test).toEqual({ spearman: 1, kendall: 1 });
    expect(snip.secondsPerCell).toBe(1);
    expect(table.values.naswot[table.cells.indexOf(cells[0])]).toBeNull();
    expect(table.accuracy.cifar10.test).toEqual(table.cells.map((c) => published[c].test_acc_200));
  });
});
