import type BetterSqlite3 from 'better-sqlite3';
import type {
  BrowserRun, RunFacets, RunFilters, RunGroup, RunGroupsPage, RunGroupsQuery, RunSortKey, RunsPage, RunsQuery, Spread,
} from '../../src-shared/model/run-browser';
import { RunStatus } from '../../src-shared/model/records';
import { leaseIsDead, type LeaseFields } from './leases';

export interface RunQueryRepo {
  /** One page of runs, filtered, searched and sorted (nulls last either way, then newest first), with the total. */
  page(q: RunsQuery): RunsPage;
  /** Runs grouped by config apart from seed, best mean validation accuracy first, with the total of groups. */
  groups(q: RunGroupsQuery): RunGroupsPage;
}

/** Sort keys to the column of `base` they order by: a fixed map, so no input reaches the SQL text. */
const ORDER_BY: Record<RunSortKey, string> = {
  id: 'id',
  name: 'name COLLATE NOCASE',
  algorithm: 'algorithm',
  space: 'space',
  dataset: 'dataset',
  seed: 'seed',
  status: 'status',
  bestValAcc: 'best_val',
  testAcc: 'test_acc',
  params: 'params',
  duration: 'duration_s',
  createdAt: 'created_at',
  collapseEpoch: 'collapse_epoch',
};

interface Row {
  id: number;
  experiment_id: number;
  name: string;
  algorithm: string;
  seed: number;
  status: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  progress_done: number;
  progress_total: number;
  space: string | null;
  dataset: string | null;
  notes: string | null;
  best_val: number | null;
  test_acc: number | null;
  test_run_id: number | null;
  params: number | null;
  collapse_epoch: number | null;
  duration_s: number | null;
}

interface GroupRow {
  config_key: string;
  n: number;
  newest_id: number;
  name: string;
  algorithm: string;
  space: string | null;
  dataset: string | null;
  ids: string;
  seeds: string;
  val_n: number;
  val_mean: number | null;
  val_ss: number | null;
  test_n: number;
  test_mean: number | null;
  test_ss: number | null;
}

/** `%text%` for LIKE with its wildcards escaped, so a search for "50%" or "a_b" means those characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The newest evaluation (with a test accuracy) of each search run, and the runs joined with their
 * summary. Status is derived as runs.get derives it: a queued or running run whose lease is dead
 * reads as interrupted; those ids come in as `@interrupted` (a JSON array), found by lease rules
 * that need this machine's process table and so cannot be SQL.
 */
const BASE = `
  WITH ev AS (
    SELECT search_run_id AS sid, max(run_id) AS eval_id, test_acc AS eval_test, params AS eval_params
    FROM run_summary WHERE search_run_id IS NOT NULL AND test_acc IS NOT NULL GROUP BY search_run_id
  ),
  base AS (
    SELECT r.id, r.experiment_id, r.name, r.algorithm, r.seed, r.config, r.created_at, r.started_at, r.ended_at,
           r.progress_done, r.progress_total,
           CASE WHEN r.id IN (SELECT value FROM json_each(@interrupted)) THEN 'interrupted' ELSE r.status END AS status,
           s.space, s.dataset, s.notes, coalesce(s.config_key, 'run:' || r.id) AS config_key, s.best_val, s.collapse_epoch,
           coalesce(s.test_acc, ev.eval_test) AS test_acc,
           CASE WHEN s.test_acc IS NULL THEN ev.eval_id END AS test_run_id,
           coalesce(s.params, ev.eval_params) AS params,
           CASE WHEN r.started_at IS NOT NULL THEN
             (julianday(coalesce(r.ended_at, CASE WHEN r.status NOT IN ('queued', 'running') OR r.id IN (SELECT value FROM json_each(@interrupted))
                                                  THEN r.last_seen_at END, @now)) - julianday(r.started_at)) * 86400.0
           END AS duration_s
    FROM runs r
    LEFT JOIN run_summary s ON s.run_id = r.id
    LEFT JOIN ev ON ev.sid = r.id
  )`;

/**
 * Each filter's condition over `base`, binding the parameter of its own name (fixed text: no input
 * reaches the SQL). The search binds its LIKE pattern.
 */
const FILTER_SQL: Record<keyof RunFilters, string> = {
  experimentId: 'experiment_id = @experimentId',
  algorithm: 'algorithm = @algorithm',
  status: 'status = @status',
  space: 'space = @space',
  dataset: 'dataset = @dataset',
  tag: 'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = base.id AND t.tag = @tag)',
  search: `(name LIKE @search ESCAPE '\\' OR notes LIKE @search ESCAPE '\\' OR config LIKE @search ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = base.id AND t.tag LIKE @search ESCAPE '\\'))`,
};

/** The WHERE clause of the given filters and the values it binds, built in one pass. */
function filterOf(f: RunFilters): { where: string; values: Record<string, string | number> } {
  const parts: string[] = [];
  const values: Record<string, string | number> = {};
  for (const key of Object.keys(FILTER_SQL) as (keyof RunFilters)[]) {
    const value = f[key];
    // An empty search (the box cleared) filters nothing.
    if (value === undefined || value === '') continue;
    parts.push(FILTER_SQL[key]);
    values[key] = key === 'search' ? likePattern(String(value)) : value;
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

function spread(n: number, mean: number | null, sumSquares: number | null): Spread {
  return { n, mean: n > 0 ? mean : null, std: n > 1 && sumSquares !== null ? Math.sqrt(Math.max(0, sumSquares) / (n - 1)) : null };
}

export function runQueryRepo(db: BetterSqlite3.Database): RunQueryRepo {
  const live = db.prepare<[], LeaseFields & { id: number }>(
    "SELECT id, status, lease_owner, lease_expires_at, last_seen_at FROM runs WHERE status IN ('queued', 'running')",
  );
  const tagsOf = db.prepare<{ ids: string }, { run_id: number; tag: string }>(
    'SELECT run_id, tag FROM run_tags WHERE run_id IN (SELECT value FROM json_each(@ids)) ORDER BY tag',
  );
  const facetStatements = {
    algorithms: db.prepare<{ experimentId: number | null }, { v: string }>(
      'SELECT DISTINCT algorithm AS v FROM runs WHERE @experimentId IS NULL OR experiment_id = @experimentId ORDER BY v'),
    spaces: db.prepare<{ experimentId: number | null }, { v: string }>(`
      SELECT DISTINCT s.space AS v FROM run_summary s JOIN runs r ON r.id = s.run_id
      WHERE s.space IS NOT NULL AND (@experimentId IS NULL OR r.experiment_id = @experimentId) ORDER BY v`),
    datasets: db.prepare<{ experimentId: number | null }, { v: string }>(`
      SELECT DISTINCT s.dataset AS v FROM run_summary s JOIN runs r ON r.id = s.run_id
      WHERE s.dataset IS NOT NULL AND (@experimentId IS NULL OR r.experiment_id = @experimentId) ORDER BY v`),
    tags: db.prepare<{ experimentId: number | null }, { v: string }>(`
      SELECT DISTINCT t.tag AS v FROM run_tags t JOIN runs r ON r.id = t.run_id
      WHERE @experimentId IS NULL OR r.experiment_id = @experimentId ORDER BY v`),
  };
  // Statements differ by filter set and order; each distinct text is prepared once.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statement = (sql: string): BetterSqlite3.Statement => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = db.prepare(sql)));
    return s;
  };

  /** The filters' clause and every value a statement over `base` binds: the filters', the lease-derived statuses, now. */
  const query = (f: RunFilters, paging: { limit: number; offset: number }) => {
    const now = Date.now();
    const interrupted = live.all().filter((r) => leaseIsDead(r, now)).map((r) => r.id);
    const { where, values } = filterOf(f);
    return { where, p: { ...values, ...paging, interrupted: JSON.stringify(interrupted), now: new Date(now).toISOString() } };
  };

  const facets = (experimentId: number | null): RunFacets => {
    const values = (s: BetterSqlite3.Statement<{ experimentId: number | null }, { v: string }>) => s.all({ experimentId }).map((r) => r.v);
    return {
      algorithms: values(facetStatements.algorithms),
      spaces: values(facetStatements.spaces),
      datasets: values(facetStatements.datasets),
      tags: values(facetStatements.tags),
    };
  };

  return {
    page(q) {
      const { where, p } = query(q, { limit: q.limit, offset: q.offset });
      const order = `${ORDER_BY[q.sort]} ${q.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, id DESC`;
      // The page's ids first, ordered on the sort column alone (SQLite flattens `base`, so only the
      // filter and sort expressions are computed for every run), then the full rows of those ids.
      // A separate count beats count(*) OVER () here: measured 2 + 3.5 ms against 9 ms CPU at 10,000 runs.
      const pageIds = statement(`${BASE} SELECT id FROM base ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
        .pluck()
        .all(p) as number[];
      const { total } = statement(`${BASE} SELECT count(*) AS total FROM base ${where}`).get(p) as { total: number };
      const byId = new Map(
        (statement(`${BASE} SELECT * FROM base WHERE id IN (SELECT value FROM json_each(@ids))`).all({ ...p, ids: JSON.stringify(pageIds) }) as Row[]).map(
          (r) => [r.id, r],
        ),
      );
      const rows = pageIds.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
      const tags = new Map<number, string[]>();
      for (const t of tagsOf.all({ ids: JSON.stringify(rows.map((r) => r.id)) })) {
        tags.set(t.run_id, [...(tags.get(t.run_id) ?? []), t.tag]);
      }
      return {
        rows: rows.map((r): BrowserRun => ({
          id: r.id,
          experimentId: r.experiment_id,
          name: r.name,
          algorithm: r.algorithm,
          space: r.space,
          dataset: r.dataset,
          seed: r.seed,
          status: RunStatus.parse(r.status),
          createdAt: r.created_at,
          startedAt: r.started_at,
          endedAt: r.ended_at,
          durationSeconds: r.duration_s,
          progressDone: r.progress_done,
          progressTotal: r.progress_total,
          bestValAcc: r.best_val,
          testAcc: r.test_acc,
          testRunId: r.test_run_id,
          params: r.params,
          collapseEpoch: r.collapse_epoch,
          notes: r.notes ?? '',
          tags: tags.get(r.id) ?? [],
        })),
        total,
        offset: q.offset,
        limit: q.limit,
        facets: q.facets ? facets(q.experimentId ?? null) : null,
      };
    },

    groups(q) {
      const { where, p } = query(q, { limit: q.limit, offset: q.offset });
      // Two passes over the filtered runs: means per group, then the squared deviations from them
      // (not E[x²] − E[x]², which cancels badly for accuracies near each other).
      const grouped = `${BASE},
        picked AS MATERIALIZED (
          SELECT id, seed, name, algorithm, space, dataset, config_key, best_val, test_acc FROM base ${where}
        ),
        g AS (
          SELECT config_key, count(*) AS n, max(id) AS newest_id,
                 count(best_val) AS val_n, avg(best_val) AS val_mean, count(test_acc) AS test_n, avg(test_acc) AS test_mean
          FROM picked GROUP BY config_key
        )`;
      const rows = statement(`${grouped},
        stats AS (
          SELECT g.*, group_concat(x.id) AS ids, group_concat(x.seed) AS seeds,
                 sum((x.best_val - g.val_mean) * (x.best_val - g.val_mean)) AS val_ss,
                 sum((x.test_acc - g.test_mean) * (x.test_acc - g.test_mean)) AS test_ss
          FROM g JOIN picked x ON x.config_key = g.config_key GROUP BY g.config_key
        )
        SELECT stats.*, newest.name, newest.algorithm, newest.space, newest.dataset
        FROM stats JOIN picked newest ON newest.id = stats.newest_id
        ORDER BY stats.val_mean DESC NULLS LAST, stats.newest_id DESC LIMIT @limit OFFSET @offset`).all(p) as GroupRow[];
      const { total } = statement(`${grouped} SELECT count(*) AS total FROM g`).get(p) as { total: number };
      const ints = (text: string) => text.split(',').map(Number);
      return {
        groups: rows.map((r): RunGroup => ({
          configKey: r.config_key,
          name: r.name,
          newestRunId: r.newest_id,
          algorithm: r.algorithm,
          space: r.space,
          dataset: r.dataset,
          runIds: ints(r.ids).sort((a, b) => b - a),
          seeds: ints(r.seeds).sort((a, b) => a - b),
          bestValAcc: spread(r.val_n, r.val_mean, r.val_ss),
          testAcc: spread(r.test_n, r.test_mean, r.test_ss),
        })),
        total,
        offset: q.offset,
        limit: q.limit,
      };
    },
  };
}
