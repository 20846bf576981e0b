import type BetterSqlite3 from 'better-sqlite3';
import type { SavedSpace } from '../../src-shared/model/saved-space';
import type { SearchSpace } from '../../src-shared/model/space';
import { nowIso } from './common';

interface SpaceRow {
  id: number;
  name: string;
  space: string;
  created_at: string;
  updated_at: string;
}

/** Saving under a name another space already has, without `replace`. */
export class SpaceNameTakenError extends Error {
  constructor(readonly spaceName: string) {
    super(`a space named '${spaceName}' already exists: pick another name, or replace it`);
    this.name = 'SpaceNameTakenError';
  }
}

export interface SpacesRepo {
  /** Every saved space, by name. */
  list(): SavedSpace[];
  get(id: number): SavedSpace | null;
  /**
   * Saves `space` (already validated) under `name`. A name in use is refused with
   * SpaceNameTakenError unless `replace`, which overwrites that space and keeps its id and creation time.
   */
  save(input: { name: string; space: SearchSpace; replace: boolean }): SavedSpace;
  /** False when there was no such space. */
  delete(id: number): boolean;
}

function toSaved(row: SpaceRow): SavedSpace {
  return { id: row.id, name: row.name, space: JSON.parse(row.space) as SearchSpace, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function spacesRepo(db: BetterSqlite3.Database): SpacesRepo {
  const all = db.prepare<[], SpaceRow>('SELECT * FROM spaces ORDER BY name COLLATE NOCASE, id');
  const byId = db.prepare<{ id: number }, SpaceRow>('SELECT * FROM spaces WHERE id = @id');
  const byName = db.prepare<{ name: string }, SpaceRow>('SELECT * FROM spaces WHERE name = @name');
  const insert = db.prepare<{ name: string; space: string; now: string }>(
    'INSERT INTO spaces (name, space, created_at, updated_at) VALUES (@name, @space, @now, @now)',
  );
  const update = db.prepare<{ id: number; space: string; now: string }>('UPDATE spaces SET space = @space, updated_at = @now WHERE id = @id');
  const remove = db.prepare<{ id: number }>('DELETE FROM spaces WHERE id = @id');

  const get = (id: number): SavedSpace | null => {
    const row = byId.get({ id });
    return row ? toSaved(row) : null;
  };

  return {
    list: () => all.all().map(toSaved),
    get,
    // One immediate transaction: two processes saving the same new name cannot both insert.
    save: db.transaction(({ name, space, replace }: { name: string; space: SearchSpace; replace: boolean }): SavedSpace => {
      const trimmed = name.trim();
      if (trimmed.length === 0) throw new Error('a saved space needs a non-empty name');
      const existing = byName.get({ name: trimmed });
      const json = JSON.stringify(space);
      const now = nowIso();
      if (existing && !replace) throw new SpaceNameTakenError(trimmed);
      if (existing) {
        update.run({ id: existing.id, space: json, now });
        return get(existing.id)!;
      }
      return get(Number(insert.run({ name: trimmed, space: json, now }).lastInsertRowid))!;
    }).immediate,
    delete: (id) => remove.run({ id }).changes > 0,
  };
}
