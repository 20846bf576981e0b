import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { RunFacets, RunGroupsPage, RunsPage } from '../../src-shared/model/run-browser';
import { useApi } from '../api/current';
import { errorMessage } from '../lib/errors';
import { filtersOf, queryFromState, stateFromQuery, type BrowserState } from '../lib/run-browser';

/** A burst of run.status events (a run starting, its progress, a sweep of repeats) refetches once. */
const LIVE_REFRESH_MS = 1000;

/**
 * One page of the experiment browser: the state comes from the route query, the rows from
 * `runs.query` (or `runs.groups` in the groups view). Refetches when the state or the experiment
 * changes, and (throttled; `onLiveChange` when a run it did not show appears) when a run's status
 * changes anywhere. A slower answer that arrives after
 * a newer request is dropped, so typing in the search box never shows a stale page.
 */
export function useRunBrowser(experimentId: Ref<number | null>, onLiveChange?: () => void) {
  const route = useRoute();
  const router = useRouter();
  const api = useApi();
  const state = computed(() => stateFromQuery(route.query));
  const page = shallowRef<RunsPage | null>(null);
  const groups = shallowRef<RunGroupsPage | null>(null);
  const facets = shallowRef<RunFacets>({ algorithms: [], spaces: [], datasets: [], tags: [] });
  const loading = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;
  let facetsFor: number | null | undefined;

  async function load(refreshFacets = false): Promise<void> {
    const mine = ++generation;
    const s = state.value;
    const filters = filtersOf(s, experimentId.value);
    const paging = { offset: s.page * s.pageSize, limit: s.pageSize };
    const wantFacets = refreshFacets || facetsFor !== experimentId.value;
    loading.value = true;
    try {
      // The page first, the filter menus (facets: a scan of every run's config) in a request of their
      // own sent after it: the table shows without waiting for the menus (~17 ms at 10,000 runs).
      const pageRequest =
        s.view === 'groups'
          ? api.request('runs.groups', { ...filters, ...paging })
          : api.request('runs.query', { ...filters, ...paging, sort: s.sort, direction: s.direction, facets: false });
      const facetsRequest = wantFacets ? api.request('runs.query', { ...filters, limit: 1, facets: true }) : null;
      // Awaited below only if the page came and is still wanted: a failure it meets otherwise is not
      // an unhandled rejection (the page's own failure, or a newer load, is what the user sees).
      facetsRequest?.catch(() => {});
      const answer = await pageRequest;
      if (mine !== generation) return;
      if ('groups' in answer) groups.value = answer;
      else page.value = answer;
      const menus = await facetsRequest;
      if (mine !== generation) return;
      if (menus?.facets) {
        facets.value = menus.facets;
        facetsFor = experimentId.value;
      }
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Changes the state in the URL; any change but paging goes back to the first page. */
  function update(change: Partial<BrowserState>): void {
    const keepPage = Object.keys(change).every((k) => k === 'page');
    const next = { ...state.value, ...change, page: keepPage ? (change.page ?? state.value.page) : 0 };
    void router.replace({ query: queryFromState(next) });
  }

  watch([() => JSON.stringify(state.value), experimentId], () => void load(), { immediate: true });

  // Progress of a run on the page is patched in place (the engine reports it often); a new run, or a
  // status change (which may move the run under the current sort or filter), refetches, throttled.
  let timer: ReturnType<typeof setTimeout> | null = null;
  let newRunSeen = false;
  const off = api.on('run.status', (run) => {
    const rows = page.value?.rows;
    const i = rows?.findIndex((r) => r.id === run.id) ?? -1;
    if (rows && page.value && i >= 0 && rows[i].status === run.status) {
      const patched = [...rows];
      patched[i] = { ...rows[i], progressDone: run.progressDone, progressTotal: run.progressTotal };
      page.value = { ...page.value, rows: patched };
      return;
    }
    if (i < 0) newRunSeen = true;
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      const grew = newRunSeen;
      newRunSeen = false;
      void load(grew);
      if (grew) onLiveChange?.();
    }, LIVE_REFRESH_MS);
  });
  onScopeDispose(() => {
    off();
    if (timer) clearTimeout(timer);
  });

  return { state, page, groups, facets, loading, error, load, update };
}
