import type { Migration } from './migrations';
import { CREATE_METRIC_TILES, rebuildTiles } from './metric-tiles';

/**
 * Issue #16's charts: when each metric point was written (unix ms, set by the store on append; rows
 * written before keep NULL, their time unknown), and the per-tile summaries that let a downsampled
 * query over a long range skip reading every point (metric-tiles.ts), filled for the points stored.
 */
export const MIGRATION_METRIC_TIME: Migration = {
  version: 5,
  name: 'metric write time and tiles',
  up(db) {
    db.exec(`ALTER TABLE metrics ADD COLUMN time INTEGER; ${CREATE_METRIC_TILES}`);
    rebuildTiles(db, null);
  },
};
