import type BetterSqlite3 from 'better-sqlite3';
import { RunStatus, type Run } from '../../src-shared/model/records';
import { fromJsonText, nowIso, toJsonText } from './common';

interface RunRow {
  id: number;
  experiment_id: number;
  name: string;
  algorithm: string;
  config: string;
  seed: number;
  status: string;
  backend: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
  progress_done: number;
  progress_total: number;
}

export type FinishStatus = 'completed' | 'failed' | 'cancelled';

export interface RunsRepo {
  /** A new run in status `queued`. */
  create(input: { experimentId: number; name: string; algorithm: string; config: unknown; seed: number }): Run;
  get(id: number): Run | null;
  /** Newest first, optionally only one experiment's. */
  list(filter?: { experimentId?: number }): Run[];
  /** queued -> running, recording the tfjs backend. */
  markStarted(id: number, backend: string): Run;
  /** queued or running -> a finished status; `error` is kept for any status (a cancel reason, say). */
  markFinished(id: number, status: FinishStatus, error?: string): Run;
  setProgress(id: number, done: number, total: number): void;
  /** At app start: runs left queued or running by a process that died are failed with `reason`. */
  failInterrupted(reason: string): number;
  delete(id: number): void;
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    algorithm: row.algorithm,
    config: fromJsonText(row.config, `run ${row.id} config`),
    seed: row.seed,
    status: RunStatus.parse(row.status),
    backend: row.backend,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
  };
}

export function runsRepo(db: BetterSqlite3.Database): RunsRepo {
  const insert = db.prepare(`
    INSERT INTO runs (experiment_id, name, algorithm, config, seed, status, created_at)
    VALUES (@experimentId, @name, @algorithm, @config, @seed, 'queued', @createdAt)`);
  const experimentExists = db.prepare<{ id: number }, { id: number }>('SELECT id FROM experiments WHERE id = @id');
  const byId = db.prepare<{ id: number }, RunRow>('SELECT * FROM runs WHERE id = @id');
  const all = db.prepare<[], RunRow>('SELECT * FROM runs ORDER BY id DESC');
  const ofExperiment = db.prepare<{ experimentId: number }, RunRow>(
    'SELECT * FROM runs WHERE experiment_id = @experimentId ORDER BY id DESC',
  );
  const start = db.prepare<{ id: number; backend: string; at: string }>(
    "UPDATE runs SET status = 'running', backend = @backend, started_at = @at WHERE id = @id AND status = 'queued'",
  );
  const finish = db.prepare<{ id: number; status: FinishStatus; error: string | null; at: string }>(`
    UPDATE runs SET status = @status, error = @error, ended_at = @at
    WHERE id = @id AND status IN ('queued', 'running')`);
  const progress = db.prepare<{ id: number; done: number; total: number }>(
    'UPDATE runs SET progress_done = @done, progress_total = @total WHERE id = @id',
  );
  const interrupt = db.prepare<{ reason: string; at: string }>(`
    UPDATE runs SET status = 'failed', error = @reason, ended_at = @at
    WHERE status IN ('queued', 'running')`);
  const remove = db.prepare<{ id: number }>('DELETE FROM runs WHERE id = @id');

  const get = (id: number): Run | null => {
    const row = byId.get({ id });
    return row ? toRun(row) : null;
  };
  const mustGet = (id: number): Run => {
    const run = get(id);
    if (!run) throw new Error(`run ${id} does not exist`);
    return run;
  };
  /** Explains a refused status change: the run is missing, or in a status the change does not start from. */
  const refuse = (id: number, change: string, allowed: string): never => {
    const run = mustGet(id);
    throw new Error(`run ${id} cannot be ${change}: it is ${run.status}, and only a ${allowed} run can`);
  };

  return {
    create(input) {
      if (!experimentExists.get({ id: input.experimentId })) throw new Error(`experiment ${input.experimentId} does not exist`);
      if (!Number.isInteger(input.seed)) throw new Error(`a run's seed must be an integer, got ${input.seed}`);
      const info = insert.run({
        experimentId: input.experimentId,
        name: input.name,
        algorithm: input.algorithm,
        config: toJsonText(input.config, 'the run config'),
        seed: input.seed,
        createdAt: nowIso(),
      });
      return mustGet(Number(info.lastInsertRowid));
    },
    get,
    list: (filter) =>
      (filter?.experimentId === undefined ? all.all() : ofExperiment.all({ experimentId: filter.experimentId })).map(toRun),
    markStarted(id, backend) {
      if (start.run({ id, backend, at: nowIso() }).changes === 0) refuse(id, 'started', 'queued');
      return mustGet(id);
    },
    markFinished(id, status, error) {
      if (!['completed', 'failed', 'cancelled'].includes(status)) {
        throw new Error(`'${status}' is not a finished status (completed, failed, cancelled)`);
      }
      if (finish.run({ id, status, error: error ?? null, at: nowIso() }).changes === 0) {
        refuse(id, `marked ${status}`, 'queued or running');
      }
      return mustGet(id);
    },
    setProgress(id, done, total) {
      if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < 0) {
        throw new Error(`progress must be two non-negative integers, got ${done}/${total}`);
      }
      if (progress.run({ id, done, total }).changes === 0) throw new Error(`run ${id} does not exist`);
    },
    failInterrupted: (reason) => interrupt.run({ reason, at: nowIso() }).changes,
    delete(id) {
      if (remove.run({ id }).changes === 0) throw new Error(`run ${id} does not exist`);
    },
  };
}
