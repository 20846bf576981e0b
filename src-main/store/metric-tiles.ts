import type BetterSqlite3 from 'better-sqlite3';

/**
 * Per (run, key) summaries of metric points in tiles of 2^TILE_SHIFT steps: the first and last
 * step and the steps of the smallest and largest value. A downsampled query over a long range
 * reads these tiles and their candidate rows instead of every point (1,000,000 points are ~1,000
 * tiles), and runs LTTB over the candidates; each tile's extremes are among them, so a spike stays.
 */
export const TILE_SHIFT = 10;

export const CREATE_METRIC_TILES = `
  CREATE TABLE metric_tiles (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    tile       INTEGER NOT NULL,
    first_step INTEGER NOT NULL,
    last_step  INTEGER NOT NULL,
    min_step   INTEGER,
    min_value  REAL,
    max_step   INTEGER,
    max_value  REAL,
    PRIMARY KEY (run_id, key, tile)
  ) STRICT, WITHOUT ROWID;`;

/** Folds one point into its tile (run inside the transaction that writes the point). All SET expressions see the old row. */
export const UPSERT_TILE = `
  INSERT INTO metric_tiles (run_id, key, tile, first_step, last_step, min_step, min_value, max_step, max_value)
  VALUES (@runId, @key, @step >> ${TILE_SHIFT}, @step, @step, @step, @value, @step, @value)
  ON CONFLICT (run_id, key, tile) DO UPDATE SET
    first_step = min(first_step, excluded.first_step),
    last_step  = max(last_step, excluded.last_step),
    min_step   = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_step ELSE min_step END,
    min_value  = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_value ELSE min_value END,
    max_step   = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_step ELSE max_step END,
    max_value  = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_value ELSE max_value END`;

/**
 * Recomputes the tiles of one run from `fromTile` on (or of every run, runId null) from the points
 * stored: after a migration and after a rewind dropped the points past a step.
 */
export function rebuildTiles(db: BetterSqlite3.Database, runId: number | null, fromTile = 0): void {
  const filter = `(@runId IS NULL OR run_id = @runId) AND tile >= @fromTile`;
  const args = { runId, fromTile };
  db.prepare(`DELETE FROM metric_tiles WHERE ${filter}`).run(args);
  db.prepare(`
    INSERT INTO metric_tiles (run_id, key, tile, first_step, last_step)
    SELECT run_id, key, step >> ${TILE_SHIFT} AS tile, min(step), max(step) FROM metrics
    WHERE (@runId IS NULL OR run_id = @runId) AND step >= (@fromTile << ${TILE_SHIFT})
    GROUP BY run_id, key, step >> ${TILE_SHIFT}`).run(args);
  for (const [column, order] of [['min', 'ASC'], ['max', 'DESC']] as const) {
    db.prepare(`
      UPDATE metric_tiles SET (${column}_step, ${column}_value) = (
        SELECT step, value FROM metrics m
        WHERE m.run_id = metric_tiles.run_id AND m.key = metric_tiles.key AND m.value IS NOT NULL
          AND m.step BETWEEN metric_tiles.first_step AND metric_tiles.last_step
        ORDER BY value ${order}, step LIMIT 1)
      WHERE ${filter}`).run(args);
  }
}
