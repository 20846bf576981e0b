/**
 * A run's statuses and the experiment browser's sort keys as plain lists, without zod: the renderer's
 * first view (the runs table) needs only these, and importing them from the schema modules made the
 * app's start load and build zod schemas (docs/performance.md, "Runs browser"). records.ts and
 * run-browser.ts build their enums from them.
 */

/**
 * `interrupted`: the process that ran it died (its lease expired, or its pid is gone on this machine);
 * it is not finished, and it can be resumed from its last checkpoint.
 */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_SORT_KEYS = [
  'id', 'name', 'algorithm', 'space', 'dataset', 'seed', 'status',
  'bestValAcc', 'testAcc', 'params', 'duration', 'createdAt', 'collapseEpoch',
] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];
