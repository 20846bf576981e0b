import type BetterSqlite3 from 'better-sqlite3';
import { BenchmarkResult } from '../../src-shared/model/benchmark-results';
import { fromJsonText, nowIso, toJsonText } from './common';

interface Row {
  id: number;
  kind: string;
  created_at: string;
  title: string;
  data: string;
}

export interface BenchmarkResultsRepo {
  /** Stores a comparison, checked against its kind's schema first (nothing is written when it does not fit). */
  add(kind: BenchmarkResult['kind'], title: string, data: unknown): BenchmarkResult;
  /** Newest first, at most `limit` (20). */
  list(kind?: BenchmarkResult['kind'], limit?: number): BenchmarkResult[];
}

export function benchmarkResultsRepo(db: BetterSqlite3.Database): BenchmarkResultsRepo {
  const insert = db.prepare<{ kind: string; createdAt: string; title: string; data: string }>(
    'INSERT INTO benchmark_results (kind, created_at, title, data) VALUES (@kind, @createdAt, @title, @data)',
  );
  const all = db.prepare<{ limit: number }, Row>('SELECT * FROM benchmark_results ORDER BY id DESC LIMIT @limit');
  const ofKind = db.prepare<{ kind: string; limit: number }, Row>('SELECT * FROM benchmark_results WHERE kind = @kind ORDER BY id DESC LIMIT @limit');
  const toResult = (row: Row): BenchmarkResult =>
    BenchmarkResult.parse({ id: row.id, kind: row.kind, createdAt: row.created_at, title: row.title, data: fromJsonText(row.data, `benchmark result ${row.id}`) });
  return {
    add(kind, title, data) {
      const createdAt = nowIso();
      const checked = BenchmarkResult.parse({ id: 1, kind, createdAt, title, data });
      const { lastInsertRowid } = insert.run({ kind, createdAt, title, data: toJsonText(checked.data, `the ${kind} comparison`) });
      return { ...checked, id: Number(lastInsertRowid) };
    },
    list(kind, limit = 20) {
      const rows = kind === undefined ? all.all({ limit }) : ofKind.all({ kind, limit });
      return rows.map(toResult);
    },
  };
}
