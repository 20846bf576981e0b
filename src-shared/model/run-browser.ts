import { z } from 'zod';
import { RunStatus } from './records';
import { RUN_SORT_KEYS } from './run-keys';

/**
 * The experiment browser's query and answer shapes (issue #16): one page of runs, filtered, searched
 * and sorted by the store, with the summary columns a NAS researcher compares runs on.
 */

export const RunSortKey = z.enum(RUN_SORT_KEYS);
export type RunSortKey = z.infer<typeof RunSortKey>;

const Id = z.number().int().min(1);
const Word = z.string().trim().min(1).max(100);

/** Tags: trimmed, 1..40 characters, no commas (the UI edits them as a comma-separated list). */
export const Tag = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(40, 'a tag is at most 40 characters')
  .refine((t) => !t.includes(','), 'a tag cannot contain a comma');

/** Which runs: every filter optional, all given ones must hold. */
export const RunFilters = z
  .object({
    experimentId: Id.optional(),
    algorithm: Word.optional(),
    status: RunStatus.optional(),
    space: Word.optional(),
    dataset: Word.optional(),
    tag: Tag.optional(),
    /** Substring of the name, notes, tags or config JSON, case-insensitive (ASCII). */
    search: z.string().trim().max(200).optional(),
  })
  .strict();
export type RunFilters = z.infer<typeof RunFilters>;

export const RunsQuery = RunFilters.extend({
  sort: RunSortKey.default('id'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  /** Also answer the filter menus' values (a few ms each at 10,000 runs: asked when the experiment changes). */
  facets: z.boolean().default(false),
}).strict();
export type RunsQuery = z.infer<typeof RunsQuery>;

export const BrowserRun = z.object({
  id: z.number().int(),
  experimentId: z.number().int(),
  name: z.string(),
  algorithm: z.string(),
  space: z.string().nullable(),
  dataset: z.string().nullable(),
  seed: z.number().int(),
  status: RunStatus,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Seconds from start to end (to now while it runs, to its last sign of life when interrupted). */
  durationSeconds: z.number().nullable(),
  progressDone: z.number().int(),
  progressTotal: z.number().int(),
  /** Best validation accuracy (%) over `valid.acc` / `search.best_val`. */
  bestValAcc: z.number().nullable(),
  /** Test accuracy (%): the run's own newest `test.acc` / `search.best_test`, else its newest evaluation's. */
  testAcc: z.number().nullable(),
  /** The evaluation run `testAcc` (and `params`) came from, when not from the run itself. */
  testRunId: z.number().int().nullable(),
  /** Parameters of the evaluation network (own `evaluation.network` artifact, else its evaluation's). */
  params: z.number().int().nullable(),
  /** The epoch a collapse warning fired at (metric `warning.collapse`), null without one. */
  collapseEpoch: z.number().nullable(),
  notes: z.string(),
  tags: z.array(z.string()),
});
export type BrowserRun = z.infer<typeof BrowserRun>;

/** The values present among the runs of the experiment (or all), for the filter menus. */
export const RunFacets = z.object({
  algorithms: z.array(z.string()),
  spaces: z.array(z.string()),
  datasets: z.array(z.string()),
  tags: z.array(z.string()),
});
export type RunFacets = z.infer<typeof RunFacets>;

export const RunsPage = z.object({
  rows: z.array(BrowserRun),
  /** Runs matching the filters, over all pages. */
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  /** Present when the query asked for them. */
  facets: RunFacets.nullable(),
});
export type RunsPage = z.infer<typeof RunsPage>;

export const RunGroupsQuery = RunFilters.extend({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
}).strict();
export type RunGroupsQuery = z.infer<typeof RunGroupsQuery>;

/** Mean and sample standard deviation (n − 1) over the runs that have the value; std null below 2. */
export const Spread = z.object({ n: z.number().int(), mean: z.number().nullable(), std: z.number().nullable() });
export type Spread = z.infer<typeof Spread>;

/** Runs whose configs are equal apart from seed and name. */
export const RunGroup = z.object({
  configKey: z.string(),
  /** The newest run's name and id. */
  name: z.string(),
  newestRunId: z.number().int(),
  algorithm: z.string(),
  space: z.string().nullable(),
  dataset: z.string().nullable(),
  runIds: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  bestValAcc: Spread,
  testAcc: Spread,
});
export type RunGroup = z.infer<typeof RunGroup>;

export const RunGroupsPage = z.object({ groups: z.array(RunGroup), total: z.number().int(), offset: z.number().int(), limit: z.number().int() });
export type RunGroupsPage = z.infer<typeof RunGroupsPage>;

export const RunAnnotation = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'a run needs a non-empty name').max(200).optional(),
    notes: z.string().max(20_000).optional(),
    /** Replaces the run's tags (duplicates dropped). */
    tags: z.array(Tag).max(50).optional(),
  })
  .strict()
  .refine((a) => a.name !== undefined || a.notes !== undefined || a.tags !== undefined, 'give at least one of name, notes, tags');
export type RunAnnotation = z.infer<typeof RunAnnotation>;

export const RunRepeat = z
  .object({
    id: Id,
    /** Seeds s+1..s+count after the run's seed s. */
    count: z.number().int().min(1).max(20).optional(),
    /** Or exactly these seeds. */
    seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(20).optional(),
  })
  .strict()
  .refine((r) => (r.count === undefined) !== (r.seeds === undefined), 'give either count or seeds, not both')
  .refine((r) => r.seeds === undefined || new Set(r.seeds).size === r.seeds.length, 'seeds must be distinct');
export type RunRepeat = z.infer<typeof RunRepeat>;
