import type { Migration } from './migrations';

/**
 * Zero-cost proxy scores (issue #19), a cache: computing every proxy of a NAS-Bench-201 cell takes
 * seconds, reading it back none. One row per (space, dataset, cell, proxy, seed, batch settings);
 * `value` NULL stands for NaN (SQLite stores no NaN), ±∞ are kept; `seconds` is what it cost.
 */
export const MIGRATION_PROXIES: Migration = {
  version: 7,
  name: 'zero-cost proxy scores',
  up(db) {
    db.exec(`
      CREATE TABLE proxy_scores (
        space       TEXT    NOT NULL,
        dataset     TEXT    NOT NULL,
        cell        TEXT    NOT NULL,
        proxy       TEXT    NOT NULL,
        seed        INTEGER NOT NULL,
        settings    TEXT    NOT NULL,
        value       REAL,
        seconds     REAL    NOT NULL CHECK (seconds >= 0),
        created_at  TEXT    NOT NULL,
        PRIMARY KEY (space, dataset, settings, seed, proxy, cell)
      ) STRICT;
    `);
  },
};
