// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView, createMemoryHistory, createRouter } from 'vue-router';
import { PRESETS } from '../../../src-shared/model/presets';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { SavedSpace } from '../../../src-shared/model/saved-space';
import { setApi } from '../../../src-renderer/api/current';
import NewRunView from '../../../src-renderer/views/NewRunView.vue';
import { FakeApi, makeRun } from './fake-api';

/** A DARTS run as the store holds it: the parsed config, a per-edge space the form's inputs cannot say, and a seed. */
const STORED = RunConfig.parse({ ...PRESETS.quick, seed: 5, space: robustDartsSpace('S1', { layers: 3, channels: 4 }), earlyStop: { factor: 1.5 } });
const SAVED: SavedSpace = { id: 4, name: 'tiny S2', space: robustDartsSpace('S2', { layers: 2, channels: 4 }), createdAt: '2026-12-07T10:00:00.000Z', updatedAt: '2026-12-07T10:00:00.000Z' };

function setup() {
  const api = new FakeApi()
    .handle('experiments.list', () => [])
    .handle('spaces.list', () => [SAVED])
    .handle('runs.get', ({ id }) => ({ run: makeRun({ id, experimentId: 3, name: 'quick S1', algorithm: 'darts', config: STORED, status: 'completed' }), metricKeys: [], genotype: null }))
    .handle('runs.start', (r) => makeRun({ id: 9, algorithm: r.config.algorithm, config: r.config }));
  setApi(api);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/runs/new', component: NewRunView },
      { path: '/runs/:id', component: defineComponent({ render: () => h('p', 'dashboard') }) },
    ],
  });
  return { api, router, root: defineComponent({ render: () => h(RouterView) }) };
}

const started = (api: FakeApi) => api.calls.find((c) => c.channel === 'runs.start')?.request as { name?: string; experimentId?: number; config: unknown };

describe('New run', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('clones a run from ?from=: its whole config, "copy of" its name, its experiment', async () => {
    const { api, router, root } = setup();
    await router.push('/runs/new?from=12');
    const wrapper = mount(root, { global: { plugins: [router] } });
    await flushPromises();
    expect(api.calls.some((c) => c.channel === 'runs.get' && (c.request as { id: number }).id === 12)).toBe(true);
    expect((wrapper.get('[data-testid=run-name]').element as HTMLInputElement).value).toBe('copy of quick S1');
    expect((wrapper.get('[data-field=reportEvery]').element as HTMLInputElement).value).toBe('2');
    expect((wrapper.get('[data-field=seed]').element as HTMLInputElement).value).toBe('5');
    expect((wrapper.get('[data-field="earlyStop.factor"]').element as HTMLInputElement).value).toBe('1.5');
    expect(wrapper.get('[data-testid=carried-space]').text()).toContain('Search space of run 12');
    await wrapper.get('[data-testid=new-run-form]').trigger('submit');
    await flushPromises();
    const request = started(api);
    expect(request.name).toBe('copy of quick S1');
    expect(request.experimentId).toBe(3);
    expect(RunConfig.parse(request.config)).toEqual(STORED);
  });

  it('shows the schema\'s message under a field as it is typed, before any request', async () => {
    const { api, router, root } = setup();
    await router.push('/runs/new?algorithm=train');
    const wrapper = mount(root, { global: { plugins: [router] } });
    await flushPromises();
    await wrapper.get('[data-field=steps]').setValue('0');
    const expected = RunConfig.safeParse({ algorithm: 'train', steps: 0 }).error!.issues[0].message;
    expect(wrapper.get('[data-error-for=steps]').text()).toBe(expected);
    expect(wrapper.find('label.invalid [data-field=steps]').exists()).toBe(true);
    await wrapper.get('[data-field=steps]').setValue('12');
    expect(wrapper.find('[data-error-for=steps]').exists()).toBe(false);
    expect(api.calls.filter((c) => c.channel === 'runs.start')).toEqual([]);
  });

  it('applies a GDAS preset exactly and runs in a saved space', async () => {
    const { api, router, root } = setup();
    await router.push('/runs/new?algorithm=gdas');
    const wrapper = mount(root, { global: { plugins: [router] } });
    await flushPromises();
    await wrapper.get('[data-testid=preset]').setValue('gdas-quick');
    await wrapper.get('[data-testid=saved-space]').setValue('tiny S2');
    expect(wrapper.get('[data-testid=carried-space]').text()).toContain('Saved space “tiny S2”');
    await wrapper.get('[data-testid=new-run-form]').trigger('submit');
    await flushPromises();
    expect(RunConfig.parse(started(api).config)).toEqual(RunConfig.parse({ ...PRESETS['gdas-quick'], space: SAVED.space }));
  });
});
