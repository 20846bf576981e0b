import type BetterSqlite3 from 'better-sqlite3';
import type { LogLine } from '../../src-shared/model/records';
import { forRun, nowIso } from './common';

type Level = LogLine['level'];
const LEVELS: readonly Level[] = ['info', 'warn', 'error'];

interface LogRow {
  run_id: number;
  time: string;
  level: Level;
  message: string;
}

export interface LogsRepo {
  add(runId: number, level: Level, message: string): void;
  /** Oldest first; with `limit`, the newest `limit` lines (still oldest first), as a log view shows them. */
  list(runId: number, limit?: number): LogLine[];
}

const toLine = (row: LogRow): LogLine => ({ runId: row.run_id, time: row.time, level: row.level, message: row.message });

export function logsRepo(db: BetterSqlite3.Database): LogsRepo {
  const insert = db.prepare<{ runId: number; time: string; level: Level; message: string }>(
    'INSERT INTO logs (run_id, time, level, message) VALUES (@runId, @time, @level, @message)',
  );
  const all = db.prepare<{ runId: number }, LogRow>('SELECT * FROM logs WHERE run_id = @runId ORDER BY id');
  const newest = db.prepare<{ runId: number; limit: number }, LogRow>(`
    SELECT * FROM (SELECT * FROM logs WHERE run_id = @runId ORDER BY id DESC LIMIT @limit) ORDER BY id`);

  return {
    add(runId, level, message) {
      if (!LEVELS.includes(level)) throw new Error(`run ${runId}: log level must be one of ${LEVELS.join(', ')}, got '${level}'`);
      forRun(runId, () => insert.run({ runId, time: nowIso(), level, message }));
    },
    list(runId, limit) {
      if (limit === undefined) return all.all({ runId }).map(toLine);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`a log limit must be a positive integer, got ${limit}`);
      return newest.all({ runId, limit }).map(toLine);
    },
  };
}
