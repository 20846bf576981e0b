import type BetterSqlite3 from 'better-sqlite3';
import { Genotype } from '../../src-shared/model/genotype';
import type { GenotypeRecord } from '../../src-shared/model/records';
import { forRun, fromJsonText, nowIso, toJsonText } from './common';

export interface GenotypeRow {
  run_id: number;
  step: number;
  epoch: number;
  final: number;
  genotype: string;
  created_at: string;
}

export interface GenotypesRepo {
  add(runId: number, record: { step: number; epoch: number; final: boolean; genotype: Genotype }): void;
  /** In the order they were reported. */
  list(runId: number): GenotypeRecord[];
  /** The run's answer: the latest record marked final, else the latest record, else null. */
  final(runId: number): GenotypeRecord | null;
}

/** Genotypes are validated on the way out too: a row written by an older build must still be a Genotype. */
export function genotypeFromRow(row: GenotypeRow): GenotypeRecord {
  const parsed = Genotype.safeParse(fromJsonText(row.genotype, `a genotype of run ${row.run_id}`));
  if (!parsed.success) {
    throw new Error(`run ${row.run_id}: the genotype stored at step ${row.step} is not a valid genotype: ${parsed.error.message}`);
  }
  return { runId: row.run_id, step: row.step, epoch: row.epoch, final: row.final === 1, genotype: parsed.data, createdAt: row.created_at };
}

export function genotypesRepo(db: BetterSqlite3.Database): GenotypesRepo {
  const insert = db.prepare<{ runId: number; step: number; epoch: number; final: number; genotype: string; createdAt: string }>(`
    INSERT INTO genotypes (run_id, step, epoch, final, genotype, created_at)
    VALUES (@runId, @step, @epoch, @final, @genotype, @createdAt)`);
  const all = db.prepare<{ runId: number }, GenotypeRow>('SELECT * FROM genotypes WHERE run_id = @runId ORDER BY id');
  const answer = db.prepare<{ runId: number }, GenotypeRow>(
    'SELECT * FROM genotypes WHERE run_id = @runId ORDER BY final DESC, id DESC LIMIT 1',
  );

  return {
    add(runId, { step, epoch, final, genotype }) {
      const parsed = Genotype.safeParse(genotype);
      if (!parsed.success) throw new Error(`run ${runId}: refusing to store an invalid genotype: ${parsed.error.message}`);
      const row = { runId, step, epoch, final: final ? 1 : 0, genotype: toJsonText(parsed.data, 'the genotype'), createdAt: nowIso() };
      forRun(runId, () => insert.run(row));
    },
    list: (runId) => all.all({ runId }).map(genotypeFromRow),
    final(runId) {
      const row = answer.get({ runId });
      return row ? genotypeFromRow(row) : null;
    },
  };
}
