import type BetterSqlite3 from 'better-sqlite3';
import type { StoredMetricPoint } from '../../src-shared/model/metrics';
import type { GenotypeRecord, LogLine } from '../../src-shared/model/records';
import { genotypeFromRow, type GenotypeRow } from './genotypes';

/** How far a reader has read: the last metric batch number, genotype id and log id it saw. */
export interface ChangeCursor {
  metricsSeq: number;
  genotypeId: number;
  logId: number;
}

export interface ChangeBatch {
  metrics: Array<{ runId: number; points: StoredMetricPoint[] }>;
  genotypes: GenotypeRecord[];
  logs: LogLine[];
  cursor: ChangeCursor;
}

/** Reading what other processes wrote; nothing here writes. */
export interface ChangesRepo {
  /** SQLite's PRAGMA data_version: changes when another connection commits (not for this one's own commits). */
  dataVersion(): number;
  /** Where the store is now, to read only what comes later. */
  cursor(): ChangeCursor;
  /** Everything recorded after `cursor`, and the cursor after it. */
  since(cursor: ChangeCursor): ChangeBatch;
}

export function changesRepo(db: BetterSqlite3.Database): ChangesRepo {
  const where = db.prepare<[], ChangeCursor>(`
    SELECT (SELECT seq FROM change_counter WHERE id = 1) AS metricsSeq,
           coalesce((SELECT max(id) FROM genotypes), 0) AS genotypeId,
           coalesce((SELECT max(id) FROM logs), 0) AS logId`);
  const metrics = db.prepare<{ after: number }, { run_id: number; key: string; step: number; epoch: number; value: number | null; seq: number; time: number | null }>(
    'SELECT run_id, key, step, epoch, value, seq, time FROM metrics WHERE seq > @after ORDER BY seq, run_id, step, key',
  );
  const newGenotypes = db.prepare<{ after: number }, GenotypeRow & { id: number }>('SELECT * FROM genotypes WHERE id > @after ORDER BY id');
  const newLogs = db.prepare<{ after: number }, { id: number; run_id: number; time: string; level: LogLine['level']; message: string }>(
    'SELECT * FROM logs WHERE id > @after ORDER BY id',
  );

  return {
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    cursor: () => where.get()!,
    since(cursor) {
      // Polled every half second, so each read is what a few batches added.
      const next = { ...cursor };
      const byRun = new Map<number, StoredMetricPoint[]>();
      for (const r of metrics.all({ after: cursor.metricsSeq })) {
        const points = byRun.get(r.run_id) ?? [];
        points.push({ key: r.key, step: r.step, epoch: r.epoch, value: r.value ?? Number.NaN, time: r.time });
        byRun.set(r.run_id, points);
        next.metricsSeq = r.seq;
      }
      const g = newGenotypes.all({ after: cursor.genotypeId });
      if (g.length > 0) next.genotypeId = g[g.length - 1].id;
      const l = newLogs.all({ after: cursor.logId });
      if (l.length > 0) next.logId = l[l.length - 1].id;
      return {
        metrics: [...byRun].map(([runId, points]) => ({ runId, points })),
        genotypes: g.map(genotypeFromRow),
        logs: l.map((row) => ({ runId: row.run_id, time: row.time, level: row.level, message: row.message })),
        cursor: next,
      };
    },
  };
}
