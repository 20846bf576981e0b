import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from './common';

/** Which computation a score belongs to: the same cell scored with other settings is another row. */
export interface ProxyScoreScope {
  space: string;
  dataset: string;
  seed: number;
  /** The batch settings other than the seed (e.g. `batch=8;ntk=8;regions=3000`). */
  settings: string;
}

export interface ProxyScore {
  cell: string;
  proxy: string;
  /** NaN where the proxy's definition gives no number (stored as NULL). */
  value: number;
  seconds: number;
}

export interface ProxyScoresRepo {
  /** Every cached score of the scope, optionally only these proxies. */
  list(scope: ProxyScoreScope, proxies?: readonly string[]): ProxyScore[];
  /** Stores scores (replacing a row with the same key), all or none. */
  put(scope: ProxyScoreScope, scores: readonly ProxyScore[]): void;
  /** The scopes that hold scores, with how many cells each, for a view to offer. */
  scopes(): (ProxyScoreScope & { cells: number })[];
}

interface Row {
  cell: string;
  proxy: string;
  value: number | null;
  seconds: number;
}

export function proxyScoresRepo(db: BetterSqlite3.Database): ProxyScoresRepo {
  const select = db.prepare<ProxyScoreScope, Row>(
    'SELECT cell, proxy, value, seconds FROM proxy_scores WHERE space = @space AND dataset = @dataset AND settings = @settings AND seed = @seed',
  );
  const insert = db.prepare<ProxyScoreScope & { cell: string; proxy: string; value: number | null; seconds: number; createdAt: string }>(`
    INSERT OR REPLACE INTO proxy_scores (space, dataset, cell, proxy, seed, settings, value, seconds, created_at)
    VALUES (@space, @dataset, @cell, @proxy, @seed, @settings, @value, @seconds, @createdAt)`);
  const scopes = db.prepare<[], ProxyScoreScope & { cells: number }>(
    'SELECT space, dataset, seed, settings, COUNT(DISTINCT cell) AS cells FROM proxy_scores GROUP BY space, dataset, seed, settings ORDER BY space, dataset, seed, settings',
  );
  const putAll = db.transaction((scope: ProxyScoreScope, scores: readonly ProxyScore[]) => {
    const createdAt = nowIso();
    for (const s of scores) {
      if (!(s.seconds >= 0)) throw new Error(`proxy ${s.proxy} of ${s.cell}: seconds must be ≥ 0, got ${s.seconds}`);
      insert.run({ ...scope, cell: s.cell, proxy: s.proxy, value: Number.isNaN(s.value) ? null : s.value, seconds: s.seconds, createdAt });
    }
  });
  return {
    list(scope, proxies) {
      const rows = select.all(scope).map((r) => ({ cell: r.cell, proxy: r.proxy, value: r.value ?? Number.NaN, seconds: r.seconds }));
      return proxies ? rows.filter((r) => proxies.includes(r.proxy)) : rows;
    },
    put(scope, scores) {
      putAll(scope, scores);
    },
    scopes: () => scopes.all(),
  };
}
