import type { Migration } from './migrations';

/**
 * When each metric point was written (issue #16: the charts' wall-time axis): unix milliseconds,
 * set by the store on append. Rows written before this migration keep NULL: their time is unknown.
 */
export const MIGRATION_METRIC_TIME: Migration = {
  version: 3,
  name: 'metric write time',
  up(db) {
    db.exec('ALTER TABLE metrics ADD COLUMN time INTEGER');
  },
};
