import type { Migration } from './migrations';
import { runFacts } from './run-facts';

/** Metric keys whose best value is a run's validation accuracy: one-shot epochs, black-box incumbents. */
export const BEST_VAL_KEYS = ['valid.acc', 'search.best_val'] as const;
/** Metric keys whose newest value is a run's test accuracy: an evaluation's epochs, a black-box incumbent's. */
export const TEST_ACC_KEYS = ['test.acc', 'search.best_test'] as const;
/** A one-shot run's collapse warning: value = the epoch it fired at. */
export const COLLAPSE_KEY = 'warning.collapse';

const list = (keys: readonly string[]) => keys.map((k) => `'${k}'`).join(', ');
const VAL = list(BEST_VAL_KEYS);
const TEST = list(TEST_ACC_KEYS);
const TRACKED = list([...BEST_VAL_KEYS, ...TEST_ACC_KEYS, COLLAPSE_KEY]);

/** Recomputes one run's metric summary from its metric rows (each a primary-key range scan). */
const recompute = (run: string) => `
  UPDATE run_summary SET
    best_val = (SELECT max(value) FROM metrics WHERE run_id = ${run} AND key IN (${VAL})),
    test_acc = (SELECT value FROM metrics WHERE run_id = ${run} AND key IN (${TEST}) ORDER BY step DESC LIMIT 1),
    test_step = (SELECT step FROM metrics WHERE run_id = ${run} AND key IN (${TEST}) ORDER BY step DESC LIMIT 1),
    collapse_epoch = (SELECT min(value) FROM metrics WHERE run_id = ${run} AND key = '${COLLAPSE_KEY}')
  WHERE run_id = ${run};`;

/**
 * The experiment browser (issue #16): per run, what it filters, sorts and groups on, kept current
 * so a page of 10,000 runs is one indexed query instead of an aggregate over every metric row.
 * `run_summary`: config facts (written by runs.create), notes, and the metric summary, which
 * triggers on `metrics` maintain whoever writes: an insert updates it incrementally (a max, the
 * newest step), an update or delete (a re-reported step, a rewind, a cascade) recomputes the run's
 * row. An evaluation's parameter count comes from its `evaluation.network` artifact.
 * `run_tags`: free tags, many per run.
 */
export const MIGRATION_RUN_BROWSER: Migration = {
  version: 3,
  name: 'run browser: run summaries, notes and tags',
  up(db) {
    db.exec(`
      CREATE TABLE run_summary (
        run_id         INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        space          TEXT,
        dataset        TEXT,
        search_run_id  INTEGER,
        config_key     TEXT    NOT NULL DEFAULT '',
        notes          TEXT    NOT NULL DEFAULT '',
        best_val       REAL,
        test_acc       REAL,
        test_step      INTEGER,
        collapse_epoch REAL,
        params         INTEGER
      ) STRICT;
      CREATE INDEX run_summary_by_search_run ON run_summary (search_run_id) WHERE search_run_id IS NOT NULL;
      CREATE INDEX run_summary_by_config ON run_summary (config_key);

      CREATE TABLE run_tags (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag    TEXT    NOT NULL CHECK (length(tag) > 0),
        PRIMARY KEY (run_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX run_tags_by_tag ON run_tags (tag, run_id);

      CREATE TRIGGER run_summary_metric_insert AFTER INSERT ON metrics WHEN new.key IN (${TRACKED})
      BEGIN
        INSERT OR IGNORE INTO run_summary (run_id) VALUES (new.run_id);
        UPDATE run_summary SET
          best_val = CASE WHEN new.key IN (${VAL}) AND new.value IS NOT NULL AND (best_val IS NULL OR new.value > best_val)
                          THEN new.value ELSE best_val END,
          test_acc = CASE WHEN new.key IN (${TEST}) AND (test_step IS NULL OR new.step >= test_step) THEN new.value ELSE test_acc END,
          test_step = CASE WHEN new.key IN (${TEST}) AND (test_step IS NULL OR new.step >= test_step) THEN new.step ELSE test_step END,
          collapse_epoch = CASE WHEN new.key = '${COLLAPSE_KEY}' AND new.value IS NOT NULL AND (collapse_epoch IS NULL OR new.value < collapse_epoch)
                                THEN new.value ELSE collapse_epoch END
        WHERE run_id = new.run_id;
      END;
      CREATE TRIGGER run_summary_metric_update AFTER UPDATE ON metrics WHEN new.key IN (${TRACKED})
      BEGIN ${recompute('new.run_id')} END;
      CREATE TRIGGER run_summary_metric_delete AFTER DELETE ON metrics WHEN old.key IN (${TRACKED})
      BEGIN ${recompute('old.run_id')} END;

      CREATE TRIGGER run_summary_params AFTER INSERT ON artifacts
      WHEN new.kind = 'evaluation.network' AND json_type(new.data, '$.params') IN ('integer', 'real')
      BEGIN
        INSERT OR IGNORE INTO run_summary (run_id) VALUES (new.run_id);
        UPDATE run_summary SET params = CAST(json_extract(new.data, '$.params') AS INTEGER) WHERE run_id = new.run_id;
      END;
    `);
    // Runs written before this version: their facts from the config, their summary from their metrics.
    const facts = db.prepare(`
      INSERT INTO run_summary (run_id, space, dataset, search_run_id, config_key) VALUES (@id, @space, @dataset, @searchRunId, @configKey)`);
    const runs = db.prepare<[], { id: number; algorithm: string; config: string }>('SELECT id, algorithm, config FROM runs').all();
    for (const r of runs) {
      let config: unknown = null;
      try {
        config = JSON.parse(r.config);
      } catch {
        // A config that is not JSON still gets a row; runs.get reports the bad JSON when it is opened.
      }
      facts.run({ id: r.id, ...runFacts(r.algorithm, config) });
    }
    db.exec(`
      UPDATE run_summary SET
        best_val = (SELECT max(value) FROM metrics m WHERE m.run_id = run_summary.run_id AND key IN (${VAL})),
        test_acc = (SELECT value FROM metrics m WHERE m.run_id = run_summary.run_id AND key IN (${TEST}) ORDER BY step DESC LIMIT 1),
        test_step = (SELECT step FROM metrics m WHERE m.run_id = run_summary.run_id AND key IN (${TEST}) ORDER BY step DESC LIMIT 1),
        collapse_epoch = (SELECT min(value) FROM metrics m WHERE m.run_id = run_summary.run_id AND key = '${COLLAPSE_KEY}'),
        params = (SELECT CAST(json_extract(a.data, '$.params') AS INTEGER) FROM artifacts a
                  WHERE a.run_id = run_summary.run_id AND a.kind = 'evaluation.network' ORDER BY a.id DESC LIMIT 1);
    `);
  },
};
