import type { Migration } from './migrations';

const RUN_COLUMNS =
  'id, experiment_id, name, algorithm, config, seed, status, backend, created_at, started_at, ended_at, error, progress_done, progress_total';

/**
 * Runs shared by several processes (issue #14): the 'interrupted' status, a lease (owner and expiry,
 * renewed by the owning process) with the time of its last renewal, checkpoints as many recorded
 * files per run, and a change counter on metrics so another process can read what is new.
 */
export const MIGRATION_2_LEASES: Migration = {
  version: 2,
  name: 'run leases, interrupted status, checkpoint files, metric change counter',
  rebuildsTables: true,
  up(db) {
    db.exec(`
      CREATE TABLE runs_v2 (
        id               INTEGER PRIMARY KEY,
        experiment_id    INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
        name             TEXT    NOT NULL,
        algorithm        TEXT    NOT NULL,
        config           TEXT    NOT NULL,
        seed             INTEGER NOT NULL,
        status           TEXT    NOT NULL CHECK (status IN ('queued','running','completed','failed','cancelled','interrupted')),
        backend          TEXT,
        created_at       TEXT    NOT NULL,
        started_at       TEXT,
        ended_at         TEXT,
        error            TEXT,
        progress_done    INTEGER NOT NULL DEFAULT 0,
        progress_total   INTEGER NOT NULL DEFAULT 0,
        lease_owner      TEXT,
        lease_expires_at INTEGER,
        last_seen_at     TEXT
      ) STRICT;
      INSERT INTO runs_v2 (${RUN_COLUMNS}) SELECT ${RUN_COLUMNS} FROM runs;
      DROP TABLE runs;
      ALTER TABLE runs_v2 RENAME TO runs;
      CREATE INDEX runs_by_experiment ON runs (experiment_id, id);
      CREATE INDEX runs_by_status ON runs (status);

      -- Version 1 kept one blob per run that nothing ever wrote; checkpoints are now files the engine
      -- writes, recorded here by path and hash.
      DROP TABLE checkpoints;
      CREATE TABLE checkpoints (
        id         INTEGER PRIMARY KEY,
        run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step       INTEGER NOT NULL,
        epoch      REAL    NOT NULL,
        file       TEXT    NOT NULL,
        bytes      INTEGER NOT NULL,
        sha256     TEXT    NOT NULL,
        created_at TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX checkpoints_by_run ON checkpoints (run_id, step);

      ALTER TABLE metrics ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX metrics_by_seq ON metrics (seq);
      CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT;
      INSERT INTO change_counter (id, seq) VALUES (1, 0);
    `);
  },
};
