// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { RouterView, createMemoryHistory, createRouter } from 'vue-router';
import type { RequestOf } from '../../../src-shared/contract';
import type { BrowserRun, RunsPage } from '../../../src-shared/model/run-browser';
import { setApi } from '../../../src-renderer/api/current';
import { useRunBrowser } from '../../../src-renderer/composables/useRunBrowser';
import { deferred, FakeApi, makeRun } from './fake-api';

const row = (id: number, over: Partial<BrowserRun> = {}): BrowserRun => ({
  id, experimentId: 1, name: `run ${id}`, algorithm: 'train', space: null, dataset: 'embedded', seed: 0, status: 'running',
  createdAt: '2026-11-23T10:00:00.000Z', startedAt: null, endedAt: null, durationSeconds: null, progressDone: 0, progressTotal: 60,
  bestValAcc: null, testAcc: null, testRunId: null, params: null, collapseEpoch: null, notes: '', tags: [], ...over,
});
const answer = (rows: BrowserRun[]): RunsPage => ({ rows, total: rows.length, offset: 0, limit: 50, facets: { algorithms: [], spaces: [], datasets: [], tags: [] } });

describe('useRunBrowser', () => {
  let api: FakeApi;
  let browser!: ReturnType<typeof useRunBrowser>;
  const queries = () => api.calls.filter((c) => c.channel === 'runs.query').map((c) => c.request as RequestOf<'runs.query'>);

  async function mountAt(path: string, pages: (q: RequestOf<'runs.query'>) => RunsPage | Promise<RunsPage>, onLive = () => {}) {
    api = new FakeApi().handle('runs.query', pages);
    setApi(api);
    const probe = defineComponent({ setup: () => ((browser = useRunBrowser(ref(1), onLive)), () => h('p')) });
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/experiments/:id?', component: probe }] });
    await router.push(path);
    mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router] } });
    await flushPromises();
    return router;
  }

  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.useRealTimers());

  it('asks for the page the URL describes, then the filter menus in a request of their own, the first time only', async () => {
    const router = await mountAt('/experiments/1?sort=bestValAcc&algorithm=darts&page=3&size=25', () => answer([row(1)]));
    expect(queries()).toEqual([
      { experimentId: 1, algorithm: 'darts', offset: 50, limit: 25, sort: 'bestValAcc', direction: 'desc', facets: false },
      { experimentId: 1, algorithm: 'darts', limit: 1, facets: true },
    ]);
    browser.update({ tag: 'keep' }); // a filter change goes back to the first page
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ sort: 'bestValAcc', algorithm: 'darts', tag: 'keep', size: '25' });
    expect(queries()).toHaveLength(3);
    expect(queries()[2]).toMatchObject({ tag: 'keep', offset: 0, facets: false });
  });

  it('shows a failed page, and leaves no unhandled rejection when the menus fail beside it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await mountAt('/experiments/1', () => Promise.reject(new Error('the store is gone')));
      await new Promise((r) => setTimeout(r, 0));
      expect(browser.error.value).toContain('the store is gone');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('shows the page before the filter menus have come', async () => {
    const menus = deferred<RunsPage>();
    await mountAt('/experiments/1', (q) => (q.facets ? menus.promise : answer([row(7)])));
    expect(browser.page.value?.rows.map((r) => r.id)).toEqual([7]);
    expect(browser.facets.value.algorithms).toEqual([]);
    menus.resolve({ ...answer([]), facets: { algorithms: ['darts'], spaces: [], datasets: [], tags: [] } });
    await flushPromises();
    expect(browser.facets.value.algorithms).toEqual(['darts']);
  });

  it('drops an answer that arrives after a newer request', async () => {
    const slow = deferred<RunsPage>();
    let n = 0;
    await mountAt('/experiments/1', (q) => (q.facets ? answer([]) : n++ === 1 ? slow.promise : answer([row(n)])));
    browser.update({ search: 'a' });
    await flushPromises();
    browser.update({ search: 'ab' });
    await flushPromises();
    expect(browser.page.value?.rows.map((r) => r.id)).toEqual([3]);
    slow.resolve(answer([row(99)]));
    await flushPromises();
    expect(browser.page.value?.rows.map((r) => r.id)).toEqual([3]);
  });

  it('patches the progress of a run on the page without asking again, and refetches once for a burst of new runs', async () => {
    vi.useFakeTimers();
    const onLive = vi.fn();
    await mountAt('/experiments/1', (q) => answer(q.facets ? [] : [row(5, { progressDone: 10 })]), onLive);
    expect(queries()).toHaveLength(2); // the page and the menus
    api.emit('run.status', makeRun({ id: 5, status: 'running', progressDone: 20 }));
    expect(browser.page.value?.rows[0].progressDone).toBe(20);
    await vi.advanceTimersByTimeAsync(2000);
    expect(queries()).toHaveLength(2);
    for (const id of [6, 7, 8]) api.emit('run.status', makeRun({ id, status: 'queued' }));
    await vi.advanceTimersByTimeAsync(999);
    expect(queries()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(queries()).toHaveLength(4);
    expect(queries()[3].facets).toBe(true); // a new run may bring a new algorithm
    expect(onLive).toHaveBeenCalledTimes(1);
    // A status change of a run on the page refetches (it may move), without the menus.
    api.emit('run.status', makeRun({ id: 5, status: 'completed', progressDone: 60 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(queries()).toHaveLength(5);
    expect(queries()[4].facets).toBe(false);
  });
});
