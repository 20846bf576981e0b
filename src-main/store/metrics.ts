import type BetterSqlite3 from 'better-sqlite3';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { MetricSeries } from '../../src-shared/model/records';
import { evenlySpacedIndices } from './downsample';

export interface MetricsQuery {
  runId: number;
  /** Absent: every key the run has. A key without points gives an empty series. */
  keys?: string[];
  fromStep?: number;
  toStep?: number;
  /** At most this many points per key (first, last and evenly spaced between); absent: all. */
  maxPoints?: number;
}

export interface MetricsRepo {
  /** All points in one transaction; a point at a (key, step) the run already has replaces it. */
  append(runId: number, points: MetricPoint[]): void;
  keys(runId: number): string[];
  /** One series per key, ordered by step. */
  query(q: MetricsQuery): MetricSeries[];
}

function checkPoint(p: MetricPoint, runId: number): void {
  if (typeof p.key !== 'string' || p.key.length === 0) throw new Error(`run ${runId}: a metric point needs a non-empty key`);
  if (!Number.isSafeInteger(p.step) || p.step < 0) throw new Error(`run ${runId}: metric '${p.key}' has step ${p.step}, not an integer >= 0`);
  if (typeof p.epoch !== 'number' || !Number.isFinite(p.epoch)) throw new Error(`run ${runId}: metric '${p.key}' has epoch ${p.epoch}, not a finite number`);
  if (typeof p.value !== 'number') throw new Error(`run ${runId}: metric '${p.key}' has value ${String(p.value)}, not a number`);
}

export function metricsRepo(db: BetterSqlite3.Database): MetricsRepo {
  // SQLite stores NaN as NULL; the column allows NULL so that a diverged loss is kept, and reads back as NaN.
  // `seq` numbers each batch (a counter bumped in the same transaction), so another process reads
  // what is new since the last batch it saw; a re-reported point gets the new batch's number.
  const upsert = db.prepare<{ runId: number; key: string; step: number; epoch: number; value: number | null; seq: number }>(`
    INSERT INTO metrics (run_id, key, step, epoch, value, seq) VALUES (@runId, @key, @step, @epoch, @value, @seq)
    ON CONFLICT (run_id, key, step) DO UPDATE SET epoch = excluded.epoch, value = excluded.value, seq = excluded.seq`);
  const nextSeq = db.prepare<[], { seq: number }>('UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq');
  const runExists = db.prepare<{ runId: number }, { id: number }>('SELECT id FROM runs WHERE id = @runId');
  const keysOf = db.prepare<{ runId: number }, { key: string }>('SELECT DISTINCT key FROM metrics WHERE run_id = @runId ORDER BY key');
  const series = db
    .prepare<{ runId: number; key: string; fromStep: number; toStep: number }, [number, number, number | null]>(`
      SELECT step, epoch, value FROM metrics
      WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep
      ORDER BY step`)
    .raw();

  const appendAll = db.transaction((runId: number, points: MetricPoint[]) => {
    const { seq } = nextSeq.get()!;
    for (const p of points) {
      upsert.run({ runId, key: p.key, step: p.step, epoch: p.epoch, value: Number.isNaN(p.value) ? null : p.value, seq });
    }
  });

  const keys = (runId: number): string[] => keysOf.all({ runId }).map((r) => r.key);

  return {
    append(runId, points) {
      if (points.length === 0) return;
      for (const p of points) checkPoint(p, runId);
      if (!runExists.get({ runId })) throw new Error(`run ${runId} does not exist`);
      // IMMEDIATE: the counter is read and bumped under the write lock, so batches are numbered in commit order.
      appendAll.immediate(runId, points);
    },
    keys,
    query({ runId, keys: wanted, fromStep, toStep, maxPoints }) {
      const range = { runId, fromStep: fromStep ?? 0, toStep: toStep ?? Number.MAX_SAFE_INTEGER };
      return (wanted ?? keys(runId)).map((key) => {
        const rows = series.all({ ...range, key });
        const picked = maxPoints === undefined ? rows : evenlySpacedIndices(rows.length, maxPoints).map((i) => rows[i]);
        return {
          key,
          steps: picked.map((r) => r[0]),
          epochs: picked.map((r) => r[1]),
          values: picked.map((r) => r[2] ?? Number.NaN),
        };
      });
    },
  };
}
