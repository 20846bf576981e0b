import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { artifactsRepo, type ArtifactsRepo } from './artifacts';
import { checkpointsRepo, type CheckpointsRepo } from './checkpoints';
import { experimentsRepo, type ExperimentsRepo } from './experiments';
import { genotypesRepo, type GenotypesRepo } from './genotypes';
import { logsRepo, type LogsRepo } from './logs';
import { metricsRepo, type MetricsRepo } from './metrics';
import { checkSchemaVersion, migrate, MIGRATIONS, type Migration } from './migrations';
import { runsRepo, type RunsRepo } from './runs';

export { NewerSchemaError, MIGRATIONS, type Migration } from './migrations';
export type { ArtifactsRepo, CheckpointsRepo, ExperimentsRepo, GenotypesRepo, LogsRepo, MetricsRepo, RunsRepo };
export type { MetricsQuery } from './metrics';
export type { FinishStatus } from './runs';

/** The experiment store: the one owner of the SQLite connection, split into one repository per domain. */
export interface Store {
  experiments: ExperimentsRepo;
  runs: RunsRepo;
  metrics: MetricsRepo;
  genotypes: GenotypesRepo;
  artifacts: ArtifactsRepo;
  logs: LogsRepo;
  checkpoints: CheckpointsRepo;
  close(): void;
}

export interface OpenStoreOptions {
  /** The schema history; tests inject their own, the app uses MIGRATIONS. */
  migrations?: readonly Migration[];
}

function openConnection(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  try {
    return new Database(file);
  } catch (cause) {
    throw new Error(`cannot open the workbench database ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Opens (creating it if needed) the database at `file`, or an in-memory one for ':memory:', and
 * brings its schema up to date. A database newer than this build is refused untouched (NewerSchemaError).
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const migrations = options.migrations ?? MIGRATIONS;
  const db = openConnection(file);
  try {
    try {
      // The first read: a file that is not SQLite fails here, before anything is written to it.
      checkSchemaVersion(db, file, migrations);
    } catch (cause) {
      if ((cause as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new Error(`${file} is not a workbench database (not an SQLite file); point --data-dir elsewhere`, { cause });
      }
      throw cause;
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Another process (a second app window, the CLI) may hold the write lock for a moment.
    db.pragma('busy_timeout = 5000');
    migrate(db, file, migrations);
  } catch (error) {
    db.close();
    throw error;
  }

  return {
    experiments: experimentsRepo(db),
    runs: runsRepo(db),
    metrics: metricsRepo(db),
    genotypes: genotypesRepo(db),
    artifacts: artifactsRepo(db),
    logs: logsRepo(db),
    checkpoints: checkpointsRepo(db),
    close: () => db.close(),
  };
}
