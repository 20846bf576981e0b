import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { artifactsRepo, type ArtifactsRepo } from './artifacts';
import { benchmarkResultsRepo, type BenchmarkResultsRepo } from './benchmark-results';
import { changesRepo, type ChangesRepo } from './changes';
import { checkpointsRepo, type CheckpointsRepo } from './checkpoints';
import { explainSqliteError, guardRepo, StoreError } from './errors';
import { experimentsRepo, type ExperimentsRepo } from './experiments';
import { genotypesRepo, type GenotypesRepo } from './genotypes';
import { leasesRepo, type LeasesRepo } from './leases';
import { logsRepo, type LogsRepo } from './logs';
import { metricsRepo, type MetricsRepo } from './metrics';
import { checkSchemaVersion, migrate, MIGRATIONS, type Migration } from './migrations';
import { proxyScoresRepo, type ProxyScoresRepo } from './proxy-scores';
import { runsRepo, type RunsRepo } from './runs';
import { runAnnotationsRepo, type RunAnnotationsRepo } from './run-annotations';
import { runQueryRepo, type RunQueryRepo } from './run-query';
import { spacesRepo, type SpacesRepo } from './spaces';

export { NewerSchemaError, MIGRATIONS, type Migration } from './migrations';
export { StoreError, isDiskFull, type StoreErrorKind } from './errors';
export { newOwnerId, ownerProcessGone } from './owner';
export type { ArtifactsRepo, BenchmarkResultsRepo, ChangesRepo, CheckpointsRepo, ExperimentsRepo, GenotypesRepo, LeasesRepo, LogsRepo, MetricsRepo, RunsRepo };
export type { RunAnnotationsRepo, RunQueryRepo };
export type { ProxyScore, ProxyScoresRepo, ProxyScoreScope } from './proxy-scores';
export type { ChangeBatch, ChangeCursor } from './changes';
export type { MetricsQuery } from './metrics';
export type { FinishStatus } from './runs';
export { SpaceNameTakenError, type SpacesRepo } from './spaces';

/** The experiment store: the one owner of the SQLite connection, split into one repository per domain. */
export interface Store {
  /** The database file (':memory:' for an in-memory one). */
  file: string;
  /** Opened read-only: every write answers a StoreError of kind 'readonly'. */
  readonly: boolean;
  experiments: ExperimentsRepo;
  runs: RunsRepo;
  leases: LeasesRepo;
  metrics: MetricsRepo;
  genotypes: GenotypesRepo;
  artifacts: ArtifactsRepo;
  logs: LogsRepo;
  checkpoints: CheckpointsRepo;
  changes: ChangesRepo;
  /** The experiment browser's paged, sorted, filtered reads (run-query.ts) and its edits (run-annotations.ts). */
  runQuery: RunQueryRepo;
  runAnnotations: RunAnnotationsRepo;
  /** Search spaces saved by name (the space editor). */
  spaces: SpacesRepo;
  /** Saved predictor and strategy comparisons (the Predictors view). */
  benchmarkResults: BenchmarkResultsRepo;
  /** Zero-cost proxy scores, a cache (issue #19). */
  proxyScores: ProxyScoresRepo;
  close(): void;
}

export interface OpenStoreOptions {
  /** The schema history; tests inject their own, the app uses MIGRATIONS. */
  migrations?: readonly Migration[];
  /**
   * Open for reading only, writing nothing to the file or its folder. A file that does not exist
   * reads as an empty store (in memory); a folder this user cannot write is read as an immutable
   * file. A schema older than this app is refused (it cannot be upgraded without writing).
   */
  readonly?: boolean;
  /**
   * SQLite's max_page_count: the file cannot grow beyond this many pages (SQLITE_FULL after). The
   * app never sets it; tests use it to fill a real database, as a full disk would.
   */
  maxPageCount?: number;
}

// better-sqlite3 reads this once, when it loads its addon at the first `new Database`: it lets
// the read-only fallback open `file:…?immutable=1`. Paths here are absolute, so no plain file
// name can be mistaken for a URI.
process.env.SQLITE_USE_URI ??= '1';

const CANNOT_OPEN_READ_ONLY = /^SQLITE_(READONLY|CANTOPEN)/;

function openWritable(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  try {
    return new Database(file);
  } catch (cause) {
    throw new Error(`cannot open the workbench database ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * A read-only connection whose first read succeeded, creating no file. While a writer has the
 * database open its -wal file exists, and this reads through the WAL like any reader (using the
 * writer's -shm). Without a -wal nobody is writing: the file is opened immutable, since a plain
 * WAL-mode reader would create -wal and -shm beside it (or, in a folder it cannot write, fail).
 */
function openReadOnly(file: string, migrations: readonly Migration[]): { db: Database.Database; version: number } {
  const attempt = (name: string) => {
    const db = new Database(name, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return { db, version: checkSchemaVersion(db, file, migrations) };
    } catch (error) {
      db.close();
      throw error;
    }
  };
  const immutable = `${pathToFileURL(file).href}?immutable=1`;
  if (!existsSync(`${file}-wal`)) return attempt(immutable);
  try {
    return attempt(file);
  } catch (error) {
    // A -wal left by a writer that crashed, in a folder this user cannot write: its last commits are not seen.
    if (!CANNOT_OPEN_READ_ONLY.test(String((error as { code?: string }).code))) throw error;
    return attempt(immutable);
  }
}

function openDatabase(file: string, options: OpenStoreOptions, migrations: readonly Migration[]): Database.Database {
  if (options.readonly && file !== ':memory:') {
    if (!existsSync(file)) {
      const empty = new Database(':memory:');
      migrate(empty, file, migrations);
      empty.pragma('query_only = ON');
      return empty;
    }
    const { db, version } = openReadOnly(file, migrations);
    if (version < migrations.length) {
      db.close();
      throw new StoreError(
        'outdated',
        `${file} was written by an older version of the workbench (schema ${version}, this app needs ${migrations.length}) ` +
          'and is opened read-only here, so it cannot be upgraded: open it once with write access (start the app or ' +
          'run a writing command such as `run` with this --data-dir), or use the older version to read it',
      );
    }
    // Belt and braces: even where the file is writable (root), this connection writes nothing.
    db.pragma('query_only = ON');
    return db;
  }
  const db = openWritable(file);
  try {
    // The first read: a file that is not SQLite fails here, before anything is written to it.
    checkSchemaVersion(db, file, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Another process (a second app window, the CLI) may hold the write lock for a moment.
    db.pragma('busy_timeout = 5000');
    migrate(db, file, migrations);
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (creating it if needed) the database at `file`, or an in-memory one for ':memory:', and
 * brings its schema up to date. A database newer than this build is refused untouched
 * (NewerSchemaError); a damaged one with a StoreError saying what to do.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const path = file === ':memory:' ? file : resolve(file);
  const migrations = options.migrations ?? MIGRATIONS;
  let db: Database.Database;
  try {
    db = openDatabase(path, options, migrations);
  } catch (error) {
    throw explainSqliteError(error, path);
  }
  const guard = <T extends object>(repo: T): T => guardRepo(repo, path);
  return {
    file: path,
    readonly: options.readonly === true,
    experiments: guard(experimentsRepo(db)),
    runs: guard(runsRepo(db)),
    leases: guard(leasesRepo(db)),
    metrics: guard(metricsRepo(db)),
    genotypes: guard(genotypesRepo(db)),
    artifacts: guard(artifactsRepo(db)),
    logs: guard(logsRepo(db)),
    checkpoints: guard(checkpointsRepo(db)),
    changes: guard(changesRepo(db)),
    runQuery: guard(runQueryRepo(db)),
    runAnnotations: guard(runAnnotationsRepo(db)),
    spaces: guard(spacesRepo(db)),
    benchmarkResults: guard(benchmarkResultsRepo(db)),
    proxyScores: guard(proxyScoresRepo(db)),
    close: () => db.close(),
  };
}
