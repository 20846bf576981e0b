import type { Migration } from './migrations';

/**
 * Search spaces saved by name from the space editor (issue #16). A name is unique; the space is its
 * validated JSON (SearchSpace), so a space file exported from the editor is the same text.
 */
export const MIGRATION_SPACES: Migration = {
  version: 4,
  name: 'saved search spaces',
  up(db) {
    db.exec(`
      CREATE TABLE spaces (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
        space      TEXT    NOT NULL,
        created_at TEXT    NOT NULL,
        updated_at TEXT    NOT NULL
      ) STRICT;
    `);
  },
};
