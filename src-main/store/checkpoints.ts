import type BetterSqlite3 from 'better-sqlite3';
import { forRun, nowIso } from './common';

export interface CheckpointsRepo {
  /** Stores the run's checkpoint, replacing the previous one: only the latest is ever read back. */
  put(runId: number, step: number, data: Uint8Array): void;
  latest(runId: number): { step: number; data: Uint8Array } | null;
}

export function checkpointsRepo(db: BetterSqlite3.Database): CheckpointsRepo {
  const upsert = db.prepare<{ runId: number; step: number; data: Buffer; createdAt: string }>(`
    INSERT INTO checkpoints (run_id, step, data, created_at) VALUES (@runId, @step, @data, @createdAt)
    ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, data = excluded.data, created_at = excluded.created_at`);
  const byRun = db.prepare<{ runId: number }, { step: number; data: Buffer }>('SELECT step, data FROM checkpoints WHERE run_id = @runId');

  return {
    put(runId, step, data) {
      const blob = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      forRun(runId, () => upsert.run({ runId, step, data: blob, createdAt: nowIso() }));
    },
    latest(runId) {
      const row = byRun.get({ runId });
      return row ? { step: row.step, data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) } : null;
    },
  };
}
