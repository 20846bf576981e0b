import type BetterSqlite3 from 'better-sqlite3';
import { MIGRATION_2_LEASES } from './migration-2-leases';
import { MIGRATION_RUN_BROWSER } from './migration-run-browser';
import { MIGRATION_SPACES } from './migration-spaces';
import { MIGRATION_METRIC_TIME } from './migration-metric-time';
import { MIGRATION_BENCHMARK_RESULTS } from './migration-benchmark-results';
import { MIGRATION_PROXIES } from './migration-proxies';
import { MIGRATION_GRASP_EXACT } from './migration-grasp-exact';

/**
 * One schema change. Version N is the N-th entry of the list and brings `PRAGMA user_version`
 * from N-1 to N. A released migration is never edited: a change to the schema is a new entry.
 */
export interface Migration {
  version: number;
  name: string;
  /**
   * Rebuilds a table others reference (the only way to change a CHECK constraint): foreign keys
   * are switched off around the transaction, since dropping the old table with them on would
   * cascade-delete every child row, and `foreign_key_check` must find nothing before the commit.
   */
  rebuildsTables?: boolean;
  up(db: BetterSqlite3.Database): void;
}

const RUN_STATUS_CHECK = "status IN ('queued','running','completed','failed','cancelled')";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'experiments, runs and their records',
    up(db) {
      db.exec(`
        CREATE TABLE experiments (
          id          INTEGER PRIMARY KEY,
          name        TEXT    NOT NULL CHECK (length(name) > 0),
          description TEXT    NOT NULL DEFAULT '',
          is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
          created_at  TEXT    NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX experiments_single_default ON experiments (is_default) WHERE is_default = 1;

        CREATE TABLE runs (
          id             INTEGER PRIMARY KEY,
          experiment_id  INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
          name           TEXT    NOT NULL,
          algorithm      TEXT    NOT NULL,
          config         TEXT    NOT NULL,
          seed           INTEGER NOT NULL,
          status         TEXT    NOT NULL CHECK (${RUN_STATUS_CHECK}),
          backend        TEXT,
          created_at     TEXT    NOT NULL,
          started_at     TEXT,
          ended_at       TEXT,
          error          TEXT,
          progress_done  INTEGER NOT NULL DEFAULT 0,
          progress_total INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX runs_by_experiment ON runs (experiment_id, id);
        CREATE INDEX runs_by_status ON runs (status);

        CREATE TABLE metrics (
          run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          key    TEXT    NOT NULL,
          step   INTEGER NOT NULL,
          epoch  REAL    NOT NULL,
          value  REAL,
          PRIMARY KEY (run_id, key, step)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE genotypes (
          id         INTEGER PRIMARY KEY,
          run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          step       INTEGER NOT NULL,
          epoch      REAL    NOT NULL,
          final      INTEGER NOT NULL CHECK (final IN (0, 1)),
          genotype   TEXT    NOT NULL,
          created_at TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX genotypes_by_run ON genotypes (run_id, step);

        CREATE TABLE artifacts (
          id         INTEGER PRIMARY KEY,
          run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          kind       TEXT    NOT NULL,
          step       INTEGER NOT NULL,
          data       TEXT    NOT NULL,
          created_at TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX artifacts_by_run_kind ON artifacts (run_id, kind, step);

        CREATE TABLE logs (
          id      INTEGER PRIMARY KEY,
          run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
          time    TEXT    NOT NULL,
          level   TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
          message TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX logs_by_run ON logs (run_id, id);

        CREATE TABLE checkpoints (
          run_id     INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
          step       INTEGER NOT NULL,
          data       BLOB    NOT NULL,
          created_at TEXT    NOT NULL
        ) STRICT;
      `);
    },
  },
  MIGRATION_2_LEASES,
  MIGRATION_RUN_BROWSER,
  MIGRATION_SPACES,
  MIGRATION_METRIC_TIME,
  MIGRATION_BENCHMARK_RESULTS,
  MIGRATION_PROXIES,
  MIGRATION_GRASP_EXACT,
];

/** Thrown for a database whose schema is newer than this build knows; nothing was written to it. */
export class NewerSchemaError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `${file}: this database was written by a newer version of the workbench (schema ${found}, this app knows ${known}); ` +
        'update the app or point --data-dir elsewhere',
    );
    this.name = 'NewerSchemaError';
  }
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list is out of order: entry ${i} ('${m.name}') has version ${m.version}, expected ${i + 1}`);
    }
  });
}

/**
 * Reads the schema version and refuses a newer one. Reading `user_version` writes nothing, so a
 * refused file is left byte for byte as it was; call this before any pragma that writes (WAL).
 */
export function checkSchemaVersion(db: BetterSqlite3.Database, file: string, migrations: readonly Migration[]): number {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > migrations.length) throw new NewerSchemaError(file, found, migrations.length);
  return found;
}

/** Applies the pending migrations, each in its own BEGIN IMMEDIATE transaction with its version bump. */
export function migrate(db: BetterSqlite3.Database, file: string, migrations: readonly Migration[]): void {
  checkList(migrations);
  const current = checkSchemaVersion(db, file, migrations);
  for (const m of migrations.slice(current)) {
    // The pragma is a no-op inside a transaction, so it is switched around it.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    db.exec('BEGIN IMMEDIATE');
    try {
      m.up(db);
      if (m.rebuildsTables) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`${broken.length} row(s) would break a foreign key: ${JSON.stringify(broken.slice(0, 3))}`);
      }
      // user_version lives in the database header and is covered by the transaction.
      db.pragma(`user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (cause) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new Error(`${file}: migration ${m.version} ('${m.name}') failed and was rolled back: ${why}`, { cause });
    } finally {
      if (m.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}
