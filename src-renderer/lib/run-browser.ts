import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import type { RunFilters, Spread } from '../../src-shared/model/run-browser';
import { RUN_SORT_KEYS, RUN_STATUSES, type RunSortKey, type RunStatus } from '../../src-shared/model/run-keys';

/**
 * The experiment browser's state lives in the URL query (sort, filters, search, page, view), so a
 * reload, the back button after opening a run, or a shared link show the same page.
 */
export interface BrowserState {
  view: 'runs' | 'groups';
  sort: RunSortKey;
  direction: 'asc' | 'desc';
  algorithm?: string;
  status?: RunStatus;
  space?: string;
  dataset?: string;
  tag?: string;
  search?: string;
  /** 0-based page. */
  page: number;
  pageSize: number;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
const DEFAULT_PAGE_SIZE = 50;

const one = (q: LocationQuery, name: string): string | undefined => {
  const v = q[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};

/** Reads the state from a route query; anything unknown or malformed falls back to the default. */
export function stateFromQuery(q: LocationQuery): BrowserState {
  const sort = one(q, 'sort');
  const status = one(q, 'status');
  const page = Number(one(q, 'page') ?? '1');
  const size = Number(one(q, 'size'));
  return {
    view: one(q, 'view') === 'groups' ? 'groups' : 'runs',
    sort: (RUN_SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as RunSortKey) : 'id',
    direction: one(q, 'dir') === 'asc' ? 'asc' : 'desc',
    algorithm: one(q, 'algorithm'),
    status: (RUN_STATUSES as readonly string[]).includes(status ?? '') ? (status as RunStatus) : undefined,
    space: one(q, 'space'),
    dataset: one(q, 'dataset'),
    tag: one(q, 'tag'),
    search: one(q, 'q'),
    page: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The query for a state, leaving defaults out so URLs stay short. */
export function queryFromState(s: BrowserState): LocationQueryRaw {
  const q: LocationQueryRaw = {};
  if (s.view === 'groups') q.view = 'groups';
  if (s.sort !== 'id') q.sort = s.sort;
  if (s.direction === 'asc') q.dir = 'asc';
  for (const k of ['algorithm', 'status', 'space', 'dataset', 'tag'] as const) if (s[k]) q[k] = s[k];
  if (s.search) q.q = s.search;
  if (s.page > 0) q.page = String(s.page + 1);
  if (s.pageSize !== DEFAULT_PAGE_SIZE) q.size = String(s.pageSize);
  return q;
}

export function filtersOf(s: BrowserState, experimentId: number | null): RunFilters {
  const f: RunFilters = {};
  if (experimentId !== null) f.experimentId = experimentId;
  for (const k of ['algorithm', 'status', 'space', 'dataset', 'tag', 'search'] as const) if (s[k]) (f as Record<string, unknown>)[k] = s[k];
  return f;
}

export function hasFilters(s: BrowserState): boolean {
  return Boolean(s.algorithm || s.status || s.space || s.dataset || s.tag || s.search);
}

/** Clicking a header: the same column flips direction; another starts descending (best first), names ascending. */
export function nextSort(s: BrowserState, key: RunSortKey): Pick<BrowserState, 'sort' | 'direction'> {
  if (s.sort === key) return { sort: key, direction: s.direction === 'asc' ? 'desc' : 'asc' };
  const ascending: RunSortKey[] = ['name', 'algorithm', 'space', 'dataset', 'status', 'seed', 'collapseEpoch'];
  return { sort: key, direction: ascending.includes(key) ? 'asc' : 'desc' };
}

/** Accuracy in %: two decimals; null as a dash. */
export function formatAccuracy(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(2);
}

/** "93.00 ± 3.61 (n=3)"; a single value without the ±. */
export function formatSpread(s: Spread): string {
  if (s.mean === null) return '—';
  return s.std === null ? `${s.mean.toFixed(2)} (n=${s.n})` : `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)} (n=${s.n})`;
}

/** 1234567 → "1.23 M", 45600 → "45.6 k". */
export function formatParams(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** "a, b,, c " → ["a", "b", "c"], duplicates dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t.length > 0))];
}
