import type BetterSqlite3 from 'better-sqlite3';
import type { ArtifactRecord } from '../../src-shared/model/records';
import { forRun, fromJsonText, nowIso, toJsonText } from './common';

interface ArtifactRow {
  run_id: number;
  kind: string;
  step: number;
  data: string;
}

export interface ArtifactsRepo {
  add(runId: number, kind: string, step: number, data: unknown): void;
  /** Ordered by step (then by insertion), optionally one kind only. */
  list(runId: number, kind?: string): ArtifactRecord[];
}

const toRecord = (row: ArtifactRow): ArtifactRecord => ({
  runId: row.run_id,
  kind: row.kind,
  step: row.step,
  data: fromJsonText(row.data, `artifact '${row.kind}' of run ${row.run_id}`),
});

export function artifactsRepo(db: BetterSqlite3.Database): ArtifactsRepo {
  const insert = db.prepare<{ runId: number; kind: string; step: number; data: string; createdAt: string }>(
    'INSERT INTO artifacts (run_id, kind, step, data, created_at) VALUES (@runId, @kind, @step, @data, @createdAt)',
  );
  const all = db.prepare<{ runId: number }, ArtifactRow>('SELECT * FROM artifacts WHERE run_id = @runId ORDER BY step, id');
  const ofKind = db.prepare<{ runId: number; kind: string }, ArtifactRow>(
    'SELECT * FROM artifacts WHERE run_id = @runId AND kind = @kind ORDER BY step, id',
  );

  return {
    add(runId, kind, step, data) {
      if (kind.length === 0) throw new Error(`run ${runId}: an artifact needs a non-empty kind`);
      const row = { runId, kind, step, data: toJsonText(data, `artifact '${kind}'`), createdAt: nowIso() };
      forRun(runId, () => insert.run(row));
    },
    list: (runId, kind) => (kind === undefined ? all.all({ runId }) : ofKind.all({ runId, kind })).map(toRecord),
  };
}
