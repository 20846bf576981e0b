import type BetterSqlite3 from 'better-sqlite3';
import type { CheckpointRecord } from '../../src-shared/model/records';
import { forRun, nowIso } from './common';
import { rebuildTiles, TILE_SHIFT } from './metric-tiles';

interface CheckpointRow {
  id: number;
  run_id: number;
  step: number;
  epoch: number;
  file: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

export interface CheckpointsRepo {
  /** Records a checkpoint file the engine finished writing. */
  add(runId: number, checkpoint: { step: number; epoch: number; file: string; bytes: number; sha256: string }): CheckpointRecord;
  /** Newest (highest step) first. */
  list(runId: number): CheckpointRecord[];
  /** Forgets all but the newest `keep` and answers the forgotten files, for the host to delete. */
  prune(runId: number, keep: number): string[];
  /**
   * A run resumed from the checkpoint at `step`: drops its metrics, genotypes and artifacts after
   * that step (the resumed engine reports them again) and the checkpoints after it (they did not
   * read back), in one transaction. Answers the dropped checkpoint files.
   */
  rewindTo(runId: number, step: number): string[];
}

const toRecord = (row: CheckpointRow): CheckpointRecord => ({
  id: row.id,
  runId: row.run_id,
  step: row.step,
  epoch: row.epoch,
  file: row.file,
  bytes: row.bytes,
  sha256: row.sha256,
  createdAt: row.created_at,
});

export function checkpointsRepo(db: BetterSqlite3.Database): CheckpointsRepo {
  const insert = db.prepare(`
    INSERT INTO checkpoints (run_id, step, epoch, file, bytes, sha256, created_at)
    VALUES (@runId, @step, @epoch, @file, @bytes, @sha256, @createdAt)`);
  const byId = db.prepare<{ id: number }, CheckpointRow>('SELECT * FROM checkpoints WHERE id = @id');
  const newestFirst = db.prepare<{ runId: number }, CheckpointRow>('SELECT * FROM checkpoints WHERE run_id = @runId ORDER BY step DESC, id DESC');
  const beyond = db.prepare<{ runId: number; keep: number }, CheckpointRow>(
    'SELECT * FROM checkpoints WHERE run_id = @runId ORDER BY step DESC, id DESC LIMIT -1 OFFSET @keep',
  );
  const after = db.prepare<{ runId: number; step: number }, CheckpointRow>('SELECT * FROM checkpoints WHERE run_id = @runId AND step > @step');
  const removeOne = db.prepare<{ id: number }>('DELETE FROM checkpoints WHERE id = @id');
  const dropAfter = ['metrics', 'genotypes', 'artifacts', 'checkpoints'].map((table) =>
    db.prepare<{ runId: number; step: number }>(`DELETE FROM ${table} WHERE run_id = @runId AND step > @step`),
  );

  const prune = db.transaction((runId: number, keep: number): string[] => {
    const old = beyond.all({ runId, keep });
    for (const row of old) removeOne.run({ id: row.id });
    return old.map((row) => row.file);
  });
  const rewind = db.transaction((runId: number, step: number): string[] => {
    const files = after.all({ runId, step }).map((row) => row.file);
    for (const statement of dropAfter) statement.run({ runId, step });
    // The metric tiles from the one holding `step` on summarised dropped points.
    rebuildTiles(db, runId, step >> TILE_SHIFT);
    return files;
  });

  return {
    add(runId, c) {
      if (!Number.isSafeInteger(c.step) || c.step < 0) throw new Error(`run ${runId}: a checkpoint's step must be an integer >= 0, got ${c.step}`);
      if (!/^[0-9a-f]{64}$/.test(c.sha256)) throw new Error(`run ${runId}: a checkpoint's sha256 must be 64 hex digits`);
      if (c.file.length === 0) throw new Error(`run ${runId}: a checkpoint needs its file`);
      const row = { runId, ...c, createdAt: nowIso() };
      const info = forRun(runId, () => insert.run(row));
      return toRecord(byId.get({ id: Number(info.lastInsertRowid) })!);
    },
    list: (runId) => newestFirst.all({ runId }).map(toRecord),
    prune(runId, keep) {
      if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep at least one checkpoint, got ${keep}`);
      return prune.immediate(runId, keep);
    },
    rewindTo: (runId, step) => rewind.immediate(runId, step),
  };
}
