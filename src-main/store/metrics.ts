import type BetterSqlite3 from 'better-sqlite3';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { MetricSeries } from '../../src-shared/model/records';
import { lttbIndices } from './downsample';
import { TILE_SHIFT, UPSERT_TILE } from './metric-tiles';

/**
 * A downsampled query reads tile summaries instead of every point once the range spans at least
 * maxPoints / TILES_PER_POINT_BUDGET tiles (then the tiles offer at least maxPoints candidates).
 */
const TILES_PER_POINT_BUDGET = 4;

export interface MetricsQuery {
  runId: number;
  /** Absent: every key the run has. A key without points gives an empty series. */
  keys?: string[];
  fromStep?: number;
  toStep?: number;
  /** At most this many points per key, picked by LTTB (first and last kept); absent: all. */
  maxPoints?: number;
  /** The first `limit` points per key from `fromStep` on, not downsampled (a page of a table); wins over maxPoints. */
  limit?: number;
}

export interface MetricsRepo {
  /**
   * All points in one transaction, stamped with `time` (unix ms, default now); a point at a
   * (key, step) the run already has replaces it. Returns the time written.
   */
  append(runId: number, points: MetricPoint[], time?: number): number;
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

type Row = [step: number, epoch: number, value: number | null, time: number | null];

function toSeries(key: string, rows: readonly Row[]): MetricSeries {
  return {
    key,
    steps: rows.map((r) => r[0]),
    epochs: rows.map((r) => r[1]),
    values: rows.map((r) => r[2] ?? Number.NaN),
    times: rows.map((r) => r[3]),
  };
}

export function metricsRepo(db: BetterSqlite3.Database): MetricsRepo {
  // SQLite stores NaN as NULL; the column allows NULL so that a diverged loss is kept, and reads back as NaN.
  // `seq` numbers each batch (a counter bumped in the same transaction), so another process reads
  // what is new since the last batch it saw; a re-reported point gets the new batch's number.
  const upsert = db.prepare<{ runId: number; key: string; step: number; epoch: number; value: number | null; seq: number; time: number }>(`
    INSERT INTO metrics (run_id, key, step, epoch, value, seq, time) VALUES (@runId, @key, @step, @epoch, @value, @seq, @time)
    ON CONFLICT (run_id, key, step) DO UPDATE SET epoch = excluded.epoch, value = excluded.value, seq = excluded.seq, time = excluded.time`);
  const nextSeq = db.prepare<[], { seq: number }>('UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq');
  const runExists = db.prepare<{ runId: number }, { id: number }>('SELECT id FROM runs WHERE id = @runId');
  // From the tiles (every stored point has one): a run's keys without walking its points.
  const keysOf = db.prepare<{ runId: number }, { key: string }>('SELECT DISTINCT key FROM metric_tiles WHERE run_id = @runId ORDER BY key');
  const range = { runId: 0, key: '', fromStep: 0, toStep: 0 };
  const series = db
    .prepare<typeof range, Row>(`
      SELECT step, epoch, value, time FROM metrics
      WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep
      ORDER BY step`)
    .raw();
  // Downsampling reads two columns of every row in range, then the picked rows whole: on a long
  // series this halves what crosses from SQLite into JavaScript.
  const stepsAndValues = db
    .prepare<typeof range, [number, number | null]>(`
      SELECT step, value FROM metrics
      WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep
      ORDER BY step`)
    .raw();
  const atSteps = db
    .prepare<{ runId: number; key: string; steps: string }, Row>(`
      SELECT step, epoch, value, time FROM metrics
      WHERE run_id = @runId AND key = @key AND step IN (SELECT value FROM json_each(@steps))
      ORDER BY step`)
    .raw();
  const page = db
    .prepare<typeof range & { limit: number }, Row>(`
      SELECT step, epoch, value, time FROM metrics
      WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep
      ORDER BY step LIMIT @limit`)
    .raw();

  const upsertTile = db.prepare<{ runId: number; key: string; step: number; value: number | null }>(UPSERT_TILE);
  const tilesIn = db
    .prepare<typeof range, [first: number, last: number, min: number | null, max: number | null]>(`
      SELECT first_step, last_step, min_step, max_step FROM metric_tiles
      WHERE run_id = @runId AND key = @key AND tile BETWEEN (@fromStep >> ${TILE_SHIFT}) AND (@toStep >> ${TILE_SHIFT})`)
    .raw();
  const firstIn = db
    .prepare<typeof range, number>('SELECT step FROM metrics WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep ORDER BY step LIMIT 1')
    .pluck();
  const lastIn = db
    .prepare<typeof range, number>('SELECT step FROM metrics WHERE run_id = @runId AND key = @key AND step BETWEEN @fromStep AND @toStep ORDER BY step DESC LIMIT 1')
    .pluck();

  const appendAll = db.transaction((runId: number, points: MetricPoint[], time: number) => {
    const { seq } = nextSeq.get()!;
    for (const p of points) {
      const value = Number.isNaN(p.value) ? null : p.value;
      upsert.run({ runId, key: p.key, step: p.step, epoch: p.epoch, value, seq, time });
      upsertTile.run({ runId, key: p.key, step: p.step, value });
    }
  });

  /** LTTB over the rows of `steps` (ascending), read whole. */
  const pickRows = (runId: number, key: string, candidates: readonly [number, number | null][], maxPoints: number): MetricSeries => {
    const steps = candidates.map((r) => r[0]);
    const picked = lttbIndices(steps, candidates.map((r) => r[1] ?? Number.NaN), maxPoints).map((i) => steps[i]);
    return toSeries(key, atSteps.all({ runId, key, steps: JSON.stringify(picked) }));
  };

  /**
   * Over a long range: each tile's first, last, smallest and largest point and the range's own ends
   * are the candidates, then LTTB over them. Null when the range spans too few tiles to be worth it.
   */
  const fromTiles = (bounds: typeof range, maxPoints: number): MetricSeries | null => {
    const tiles = tilesIn.all(bounds);
    if (tiles.length * TILES_PER_POINT_BUDGET < maxPoints) return null;
    const first = firstIn.get(bounds);
    const last = lastIn.get(bounds);
    if (first === undefined || last === undefined) return toSeries(bounds.key, []);
    const steps = new Set<number>([first, last]);
    for (const tile of tiles) for (const step of tile) if (step !== null && step >= first && step <= last) steps.add(step);
    const rows = atSteps.all({ runId: bounds.runId, key: bounds.key, steps: JSON.stringify([...steps]) });
    if (rows.length <= maxPoints) return toSeries(bounds.key, rows);
    return pickRows(bounds.runId, bounds.key, rows.map((r) => [r[0], r[2]]), maxPoints);
  };

  const keys = (runId: number): string[] => keysOf.all({ runId }).map((r) => r.key);

  return {
    append(runId, points, time = Date.now()) {
      if (!Number.isSafeInteger(time)) throw new Error(`run ${runId}: metric write time ${time} is not an integer of unix milliseconds`);
      if (points.length === 0) return time;
      for (const p of points) checkPoint(p, runId);
      if (!runExists.get({ runId })) throw new Error(`run ${runId} does not exist`);
      // IMMEDIATE: the counter is read and bumped under the write lock, so batches are numbered in commit order.
      appendAll.immediate(runId, points, time);
      return time;
    },
    keys,
    query({ runId, keys: wanted, fromStep, toStep, maxPoints, limit }) {
      if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= 2)) {
        throw new Error(`maxPoints must be an integer of at least 2 (the first and the last point), got ${maxPoints}`);
      }
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new Error(`limit must be an integer of at least 1, got ${limit}`);
      const bounds = { runId, fromStep: fromStep ?? 0, toStep: toStep ?? Number.MAX_SAFE_INTEGER };
      return (wanted ?? keys(runId)).map((key) => {
        if (limit !== undefined) return toSeries(key, page.all({ ...bounds, key, limit }));
        if (maxPoints === undefined) return toSeries(key, series.all({ ...bounds, key }));
        const tiled = fromTiles({ ...bounds, key }, maxPoints);
        if (tiled) return tiled;
        const candidates = stepsAndValues.all({ ...bounds, key });
        if (candidates.length <= maxPoints) return toSeries(key, series.all({ ...bounds, key }));
        return pickRows(runId, key, candidates, maxPoints);
      });
    },
  };
}
