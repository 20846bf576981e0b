import type BetterSqlite3 from 'better-sqlite3';
import { RunStatus, type Run } from '../../src-shared/model/records';
import { fromJsonText, nowIso, toJsonText } from './common';
import { leaseIsDead, type LeaseFields } from './leases';
import { runFacts } from './run-facts';

export interface RunRow extends LeaseFields {
  id: number;
  experiment_id: number;
  name: string;
  algorithm: string;
  config: string;
  seed: number;
  backend: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
  progress_done: number;
  progress_total: number;
  checkpoint_step: number | null;
}

export type FinishStatus = 'completed' | 'failed' | 'cancelled';

export interface RunsRepo {
  /** A new run in status `queued`, held by `lease.owner` for `lease.ttlMs` when given. */
  create(input: { experimentId: number; name: string; algorithm: string; config: unknown; seed: number }, lease?: { owner: string; ttlMs: number }): Run;
  /**
   * The run as it is now. A queued or running run whose lease is dead reads as `interrupted`
   * (lastSeenAt: its last renewal): derived at read time, so reading never writes.
   */
  get(id: number): Run | null;
  /** Newest first, optionally only one experiment's. */
  /** Newest first; `searchRunId`: the evaluation runs that train that search run's cell. */
  list(filter?: { experimentId?: number; searchRunId?: number }): Run[];
  /** queued -> running, recording the tfjs backend (a resumed run keeps its first start time). */
  markStarted(id: number, backend: string): Run;
  /**
   * queued or running -> a finished status, releasing the lease; `error` is kept for any status (a
   * cancel reason, say). With `owner`, only while that owner holds the run: a process that lost its
   * lease (another one resumed the run) cannot end it.
   */
  markFinished(id: number, status: FinishStatus, error?: string, owner?: string): Run;
  setProgress(id: number, done: number, total: number): void;
  delete(id: number): void;
}

const SELECT = `SELECT r.*, (SELECT max(c.step) FROM checkpoints c WHERE c.run_id = r.id) AS checkpoint_step FROM runs r`;

export function toRun(row: RunRow, now = Date.now()): Run {
  const dead = leaseIsDead(row, now);
  const status = dead ? 'interrupted' : RunStatus.parse(row.status);
  const hasCheckpoint = row.checkpoint_step !== null;
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    algorithm: row.algorithm,
    config: fromJsonText(row.config, `run ${row.id} config`),
    seed: row.seed,
    status,
    backend: row.backend,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
    owner: dead ? null : row.lease_owner,
    lastSeenAt: row.last_seen_at,
    checkpointStep: row.checkpoint_step,
    resumable: hasCheckpoint && (status === 'interrupted' || status === 'failed'),
  };
}

export function runsRepo(db: BetterSqlite3.Database): RunsRepo {
  const insert = db.prepare(`
    INSERT INTO runs (experiment_id, name, algorithm, config, seed, status, created_at, lease_owner, lease_expires_at, last_seen_at)
    VALUES (@experimentId, @name, @algorithm, @config, @seed, 'queued', @createdAt, @owner, @expiresAt, @seenAt)`);
  // The browser's per-run facts (space, dataset, search run, config key), written with the run.
  const insertFacts = db.prepare(`
    INSERT INTO run_summary (run_id, space, dataset, search_run_id, config_key) VALUES (@runId, @space, @dataset, @searchRunId, @configKey)`);
  const insertWithFacts = db.transaction((row: Record<string, unknown>, algorithm: string, config: unknown): number => {
    const runId = Number(insert.run(row).lastInsertRowid);
    insertFacts.run({ runId, ...runFacts(algorithm, config) });
    return runId;
  });
  const experimentExists = db.prepare<{ id: number }, { id: number }>('SELECT id FROM experiments WHERE id = @id');
  const byId = db.prepare<{ id: number }, RunRow>(`${SELECT} WHERE r.id = @id`);
  const all = db.prepare<[], RunRow>(`${SELECT} ORDER BY r.id DESC`);
  const ofExperiment = db.prepare<{ experimentId: number }, RunRow>(`${SELECT} WHERE r.experiment_id = @experimentId ORDER BY r.id DESC`);
  const evaluationsOf = db.prepare<{ searchRunId: number }, RunRow>(
    `${SELECT} WHERE r.algorithm = 'evaluation' AND json_extract(r.config, '$.searchRunId') = @searchRunId ORDER BY r.id DESC`,
  );
  const start = db.prepare<{ id: number; backend: string; at: string }>(`
    UPDATE runs SET status = 'running', backend = @backend, started_at = coalesce(started_at, @at)
    WHERE id = @id AND status = 'queued'`);
  const finish = db.prepare<{ id: number; status: FinishStatus; error: string | null; at: string; owner: string | null }>(`
    UPDATE runs SET status = @status, error = @error, ended_at = @at, last_seen_at = @at, lease_owner = NULL, lease_expires_at = NULL
    WHERE id = @id AND status IN ('queued', 'running') AND (@owner IS NULL OR lease_owner IS @owner)`);
  const progress = db.prepare<{ id: number; done: number; total: number }>(
    'UPDATE runs SET progress_done = @done, progress_total = @total WHERE id = @id',
  );
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
    create(input, lease) {
      if (!experimentExists.get({ id: input.experimentId })) throw new Error(`experiment ${input.experimentId} does not exist`);
      if (!Number.isInteger(input.seed)) throw new Error(`a run's seed must be an integer, got ${input.seed}`);
      const now = Date.now();
      const id = insertWithFacts({
        experimentId: input.experimentId,
        name: input.name,
        algorithm: input.algorithm,
        config: toJsonText(input.config, 'the run config'),
        seed: input.seed,
        createdAt: new Date(now).toISOString(),
        owner: lease?.owner ?? null,
        expiresAt: lease ? now + lease.ttlMs : null,
        seenAt: lease ? new Date(now).toISOString() : null,
      }, input.algorithm, input.config);
      return mustGet(id);
    },
    get,
    list(filter) {
      const rows =
        filter?.searchRunId !== undefined
          ? evaluationsOf.all({ searchRunId: filter.searchRunId }).filter((r) => filter.experimentId === undefined || r.experiment_id === filter.experimentId)
          : filter?.experimentId === undefined
            ? all.all()
            : ofExperiment.all({ experimentId: filter.experimentId });
      return rows.map((row) => toRun(row));
    },
    markStarted(id, backend) {
      if (start.run({ id, backend, at: nowIso() }).changes === 0) refuse(id, 'started', 'queued');
      return mustGet(id);
    },
    markFinished(id, status, error, owner) {
      if (!['completed', 'failed', 'cancelled'].includes(status)) {
        throw new Error(`'${status}' is not a finished status (completed, failed, cancelled)`);
      }
      if (finish.run({ id, status, error: error ?? null, at: nowIso(), owner: owner ?? null }).changes === 0) {
        const run = mustGet(id);
        if (owner !== undefined && (run.status === 'queued' || run.status === 'running')) {
          throw new Error(`run ${id} cannot be marked ${status}: it is now held by ${run.owner ?? 'no process'}, not ${owner}`);
        }
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
    delete(id) {
      if (remove.run({ id }).changes === 0) throw new Error(`run ${id} does not exist`);
    },
  };
}
