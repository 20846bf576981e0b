import type BetterSqlite3 from 'better-sqlite3';

export interface RunAnnotationsRepo {
  /**
   * Renames the run, replaces its notes and/or replaces its tags (trimmed, duplicates dropped), all in
   * one transaction; fields left undefined stay as they are.
   */
  annotate(id: number, change: { name?: string; notes?: string; tags?: string[] }): void;
  tags(id: number): string[];
  notes(id: number): string;
}

export function runAnnotationsRepo(db: BetterSqlite3.Database): RunAnnotationsRepo {
  const exists = db.prepare<{ id: number }, { id: number }>('SELECT id FROM runs WHERE id = @id');
  const rename = db.prepare<{ id: number; name: string }>('UPDATE runs SET name = @name WHERE id = @id');
  const setNotes = db.prepare<{ id: number; notes: string }>(`
    INSERT INTO run_summary (run_id, notes) VALUES (@id, @notes) ON CONFLICT (run_id) DO UPDATE SET notes = excluded.notes`);
  const clearTags = db.prepare<{ id: number }>('DELETE FROM run_tags WHERE run_id = @id');
  const addTag = db.prepare<{ id: number; tag: string }>('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (@id, @tag)');
  const tagsOf = db.prepare<{ id: number }, { tag: string }>('SELECT tag FROM run_tags WHERE run_id = @id ORDER BY tag');
  const notesOf = db.prepare<{ id: number }, { notes: string }>('SELECT notes FROM run_summary WHERE run_id = @id');

  const apply = db.transaction((id: number, change: { name?: string; notes?: string; tags?: string[] }) => {
    if (change.name !== undefined) rename.run({ id, name: change.name });
    if (change.notes !== undefined) setNotes.run({ id, notes: change.notes });
    if (change.tags !== undefined) {
      clearTags.run({ id });
      for (const tag of change.tags) addTag.run({ id, tag });
    }
  });

  return {
    annotate(id, change) {
      const name = change.name?.trim();
      if (name !== undefined && name.length === 0) throw new Error(`run ${id}: a run needs a non-empty name`);
      const tags = change.tags?.map((t) => t.trim());
      const empty = tags?.find((t) => t.length === 0);
      if (empty !== undefined) throw new Error(`run ${id}: a tag cannot be empty`);
      if (!exists.get({ id })) throw new Error(`run ${id} does not exist`);
      apply.immediate(id, { ...change, name, tags: tags && [...new Set(tags)] });
    },
    tags: (id) => tagsOf.all({ id }).map((r) => r.tag),
    notes: (id) => notesOf.get({ id })?.notes ?? '',
  };
}
