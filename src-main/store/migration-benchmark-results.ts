import type { Migration } from './migrations';

/**
 * Saved comparisons (issue #20): the `predictors` command's rank correlations and the `benchmark`
 * command's strategy summaries, as JSON, for the Predictors view. Not tied to a run: they are
 * computed on a benchmark table in the CLI.
 */
export const MIGRATION_BENCHMARK_RESULTS: Migration = {
  version: 6,
  name: 'saved predictor and strategy comparisons',
  up(db) {
    db.exec(`
      CREATE TABLE benchmark_results (
        id         INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind IN ('predictors', 'strategies')),
        created_at TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        data       TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
