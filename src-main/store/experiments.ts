import type BetterSqlite3 from 'better-sqlite3';
import type { Experiment } from '../../src-shared/model/records';
import { nowIso } from './common';

interface ExperimentRow {
  id: number;
  name: string;
  description: string;
  created_at: string;
  run_count: number;
}

const SELECT = `
  SELECT e.id, e.name, e.description, e.created_at,
         (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id) AS run_count
  FROM experiments e`;

export const DEFAULT_EXPERIMENT_NAME = 'Default';

export interface ExperimentsRepo {
  create(input: { name: string; description?: string }): Experiment;
  rename(id: number, name: string): Experiment;
  /** Deletes the experiment, its runs and every row of those runs (foreign-key cascade). */
  delete(id: number): void;
  list(): Experiment[];
  get(id: number): Experiment | null;
  /** The experiment runs go to when none is named; created on first use, found by a flag, not by name. */
  getOrCreateDefault(): Experiment;
}

function toExperiment(row: ExperimentRow): Experiment {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.created_at, runCount: row.run_count };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new Error('an experiment needs a non-empty name');
  return trimmed;
}

export function experimentsRepo(db: BetterSqlite3.Database): ExperimentsRepo {
  const insert = db.prepare<{ name: string; description: string; isDefault: number; createdAt: string }>(
    'INSERT INTO experiments (name, description, is_default, created_at) VALUES (@name, @description, @isDefault, @createdAt)',
  );
  const byId = db.prepare<{ id: number }, ExperimentRow>(`${SELECT} WHERE e.id = @id`);
  const all = db.prepare<[], ExperimentRow>(`${SELECT} ORDER BY e.id DESC`);
  const theDefault = db.prepare<[], ExperimentRow>(`${SELECT} WHERE e.is_default = 1`);
  const setName = db.prepare<{ id: number; name: string }>('UPDATE experiments SET name = @name WHERE id = @id');
  const remove = db.prepare<{ id: number }>('DELETE FROM experiments WHERE id = @id');

  const get = (id: number): Experiment | null => {
    const row = byId.get({ id });
    return row ? toExperiment(row) : null;
  };
  const mustGet = (id: number): Experiment => {
    const found = get(id);
    if (!found) throw new Error(`experiment ${id} does not exist`);
    return found;
  };
  const createRow = (name: string, description: string, isDefault: boolean): Experiment => {
    const info = insert.run({ name, description, isDefault: isDefault ? 1 : 0, createdAt: nowIso() });
    return mustGet(Number(info.lastInsertRowid));
  };

  return {
    create: ({ name, description }) => createRow(checkName(name), description ?? '', false),
    rename(id, name) {
      const info = setName.run({ id, name: checkName(name) });
      if (info.changes === 0) throw new Error(`experiment ${id} does not exist`);
      return mustGet(id);
    },
    delete(id) {
      if (remove.run({ id }).changes === 0) throw new Error(`experiment ${id} does not exist`);
    },
    list: () => all.all().map(toExperiment),
    get,
    getOrCreateDefault: db.transaction((): Experiment => {
      const row = theDefault.get();
      return row ? toExperiment(row) : createRow(DEFAULT_EXPERIMENT_NAME, 'Runs started without naming an experiment', true);
    }).immediate,
  };
}
