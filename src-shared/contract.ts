import { z } from 'zod';
import { BENCHMARK_KINDS, BenchmarkResult } from './model/benchmark-results';
import { RunConfig } from './model/run-config';
import { ArtifactRecord, Experiment, GenotypeRecord, LogLine, MetricSeries, Run } from './model/records';
import { StoredMetricPoint } from './model/metrics';
import { Genotype } from './model/genotype';
import { StudyRequest, StudyRow } from './model/study';
import { RunAnnotation, RunGroupsPage, RunGroupsQuery, RunRepeat, RunsPage, RunsQuery } from './model/run-browser';
import { SavedSpace, SpaceName } from './model/saved-space';
import { SearchSpace } from './model/space';
import { ProxyScope, ProxyTable } from './model/proxies';
import { CHANNEL_NAMES, type ChannelName } from './channel-names';
import { RunQueueStatus } from './model/queue-status';

/**
 * THE typed contract between the renderer (or any client) and main: every request channel with its
 * request and response schema, every event with its payload schema. Channel names appear here and
 * in channel-names.ts only (the `satisfies` below makes the two agree); types are inferred from the
 * schemas so client, main and tests cannot drift, and main validates every request against them at
 * run time.
 */

const Id = z.number().int().min(1);
const Empty = z.object({}).strict();

export const AppInfo = z.object({
  version: z.string(),
  /** The tfjs backend runs use on this machine and why the faster ones were not taken. */
  backend: z.string(),
  backendDetail: z.string(),
  dataDir: z.string(),
  mode: z.enum(['electron', 'web', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const RunDetail = z.object({
  run: Run,
  metricKeys: z.array(z.string()),
  genotype: GenotypeRecord.nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const GenotypeExport = z.object({
  format: z.enum(['json', 'python', 'nb201']),
  text: z.string(),
  genotype: Genotype,
});

export const GenotypeImport = z.object({
  genotype: Genotype,
  /** One canonical string per cell: equal for the same cell written in another edge order. */
  key: z.string(),
  json: z.string(),
  python: z.string().nullable(),
  arch: z.string().nullable(),
  /** Parameters of DARTS's CIFAR-10 evaluation network (C=36, 20 cells, no auxiliary head) for a DARTS cell. */
  evalParams: z.number().int().nullable(),
});
export type GenotypeImport = z.infer<typeof GenotypeImport>;

export const requests = {
  /** Zero-cost proxy scores cached by the `proxies` command (docs/proxies.md); absent scope: the one with most cells. */
  'proxies.table': { request: z.object({ scope: ProxyScope.optional() }).strict(), response: ProxyTable },
  'app.info': { request: Empty, response: AppInfo },

  'experiments.list': { request: Empty, response: z.array(Experiment) },
  'experiments.create': {
    request: z.object({ name: z.string().trim().min(1).max(200), description: z.string().max(5000).optional() }).strict(),
    response: Experiment,
  },
  'experiments.rename': {
    request: z.object({ id: Id, name: z.string().trim().min(1).max(200) }).strict(),
    response: Experiment,
  },
  'experiments.delete': { request: z.object({ id: Id }).strict(), response: z.object({ deleted: Id }) },

  'runs.list': {
    /** `searchRunId`: only the evaluation runs that train that search run's cell. */
    request: z.object({ experimentId: Id.optional(), searchRunId: Id.optional() }).strict(),
    response: z.array(Run),
  },
  'runs.get': { request: z.object({ id: Id }).strict(), response: RunDetail },
  'runs.start': {
    request: z
      .object({
        /** Absent: the Default experiment. */
        experimentId: Id.optional(),
        name: z.string().trim().min(1).max(200).optional(),
        config: RunConfig,
      })
      .strict(),
    response: Run,
  },
  'runs.stop': { request: z.object({ id: Id }).strict(), response: Run },
  /** Continues an interrupted run (or a failed one with a checkpoint) from its newest usable checkpoint. */
  'runs.resume': { request: z.object({ id: Id }).strict(), response: Run },
  /** "Select with PT": a darts-pt run projecting the supernet of a completed DARTS-family run (docs/oneshot.md). */
  'runs.selectWithPt': { request: z.object({ id: Id, projectionInterval: z.number().int().min(0).max(1000).optional() }).strict(), response: Run },
  'runs.delete': { request: z.object({ id: Id }).strict(), response: z.object({ deleted: Id }) },
  'runs.logs': {
    request: z.object({ id: Id, limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
    response: z.array(LogLine),
  },
  // The experiment browser (issue #16, docs/renderer.md "Experiments"): paged, sorted, filtered runs.
  'runs.query': { request: RunsQuery, response: RunsPage },
  /** Runs grouped by config apart from seed, with mean ± std of best validation and test accuracy. */
  'runs.groups': { request: RunGroupsQuery, response: RunGroupsPage },
  /** Rename, notes, tags (replaces them). */
  'runs.annotate': {
    request: RunAnnotation,
    response: z.object({ id: Id, name: z.string(), notes: z.string(), tags: z.array(z.string()) }),
  },
  /** Starts copies of a run's config with seeds s+1..s+count, or the given seeds. */
  'runs.repeat': { request: RunRepeat, response: z.array(Run) },
  'runs.artifacts': {
    request: z.object({ id: Id, kind: z.string().min(1).max(100).optional() }).strict(),
    response: z.array(ArtifactRecord),
  },

  /** Starts a study's runs (every strategy on the same seeds) in the experiment, or in a new one. */
  'studies.start': {
    request: StudyRequest.safeExtend({ experimentId: Id.optional() }),
    response: z.object({ experimentId: Id, runs: z.array(Run), skipped: z.array(z.object({ strategy: z.string(), reason: z.string() })) }),
  },
  /** Per algorithm, the experiment's search runs: parameter-free share, eigenvalues, time, benchmark and evaluated accuracy. */
  'studies.summary': { request: z.object({ experimentId: Id }).strict(), response: z.array(StudyRow) },

  'metrics.query': {
    request: z
      .object({
        runId: Id,
        keys: z.array(z.string().min(1)).max(100).optional(),
        fromStep: z.number().int().min(0).optional(),
        toStep: z.number().int().min(0).optional(),
        maxPoints: z.number().int().min(2).max(100_000).default(2000),
        /** A page: the first `limit` points per key from fromStep on, not downsampled (maxPoints is then ignored). */
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    response: z.array(MetricSeries),
  },

  /** Saved `predictors` / `benchmark --save` comparisons, newest first (the Predictors view). */
  'benchmarks.list': { request: z.object({ kind: z.enum(BENCHMARK_KINDS).optional() }).strict(), response: z.array(BenchmarkResult) },
  'genotypes.export': {
    request: z.object({ runId: Id, format: z.enum(['json', 'python', 'nb201']).default('json') }).strict(),
    response: GenotypeExport,
  },
  /** Reads a pasted cell (canonical JSON, an NB201 arch string or DARTS's Python Genotype text). */
  'genotypes.import': {
    request: z.object({ text: z.string().min(1).max(100_000) }).strict(),
    response: GenotypeImport,
  },

  /** Search spaces saved by name from the space editor; `save` refuses a name in use unless `replace`. */
  'spaces.list': { request: Empty, response: z.array(SavedSpace) },
  'spaces.save': {
    request: z.object({ name: SpaceName, space: SearchSpace, replace: z.boolean().default(false) }).strict(),
    response: SavedSpace,
  },
  'spaces.delete': { request: z.object({ id: Id }).strict(), response: z.object({ deleted: Id }) },

  /** A queued run's jobs (state, worker), the queue's counts and the workers seen, from its Redis (docs/queue.md "In the UI"). */
  'queue.status': { request: z.object({ runId: Id }).strict(), response: RunQueueStatus },
} as const satisfies Record<ChannelName, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  'run.status': Run,
  'run.metrics': z.object({ runId: Id, points: z.array(StoredMetricPoint) }),
  'run.log': LogLine,
  'run.genotype': GenotypeRecord,
} as const;

export type Channel = keyof typeof requests;
export type EventName = keyof typeof events;
/** What a caller passes (defaults may be left out). */
export type RequestOf<C extends Channel> = z.input<(typeof requests)[C]['request']>;
/** What a handler receives, after validation filled the defaults. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requests)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof requests)[C]['response']>;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** The typed error every failed request answers with; `field` names the bad input when there is one. */
export const ERROR_CODES = ['invalid_request', 'unknown_channel', 'not_found', 'conflict', 'unauthorized', 'internal'] as const;
export const AppError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  field: z.string().optional(),
});
export type AppError = z.infer<typeof AppError>;

export type Reply<C extends Channel> = { ok: true; data: ResponseOf<C> } | { ok: false; error: AppError };

/** Typed client surface, shared by the Electron preload and the WebSocket client. */
export type Api = {
  request<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
};


/** Turns zod issues into one readable message that names the first bad field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = ''): { message: string; field?: string } {
  const parts = issues.slice(0, 5).map((i) => {
    const path = [root, ...i.path.map(String)].filter(Boolean).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
  const first = issues[0];
  const field = first ? [root, ...first.path.map(String)].filter(Boolean).join('.') || undefined : undefined;
  return { message: parts.join('; ') + (issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''), field };
}
