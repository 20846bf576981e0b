// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView, createMemoryHistory, createRouter } from 'vue-router';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { setApi } from '../../../src-renderer/api/current';
import NewRunView from '../../../src-renderer/views/NewRunView.vue';
import SearchSpacesView from '../../../src-renderer/views/SearchSpacesView.vue';
import { FakeApi, makeRun } from './fake-api';

function setup() {
  const api = new FakeApi()
    .handle('experiments.list', () => [])
    .handle('runs.start', (r) => makeRun({ id: 7, algorithm: r.config.algorithm, config: r.config }));
  setApi(api);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/spaces', component: SearchSpacesView },
      { path: '/runs/new', component: NewRunView },
      { path: '/runs/:id', component: defineComponent({ render: () => h('p', 'dashboard') }) },
    ],
  });
  const root = defineComponent({ render: () => h(RouterView) });
  return { api, router, root };
}

describe('search-space editor', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('builds RobustDARTS S2, shows its figures, and New run starts DARTS with that whole space', async () => {
    const { api, router, root } = setup();
    await router.push('/spaces');
    const wrapper = mount(root, { global: { plugins: [router] } });
    await flushPromises();

    await wrapper.get('[data-testid=preset-S2]').trigger('click');
    await wrapper.get('[data-field=layers]').setValue('2');
    await wrapper.get('[data-field=channels]').setValue('4');
    expect(wrapper.get('[data-testid=space-valid]').text()).toContain('valid');
    expect(wrapper.get('[data-testid=edges-per-cell]').text()).toBe('14');
    expect(wrapper.get('[data-testid=mixed-edges]').text()).toBe('28');
    expect(wrapper.get('[data-testid=reduction-cells]').text()).toContain('0, 1');
    expect(wrapper.findAll('[data-testid=edge-ops] tbody tr')).toHaveLength(14);

    // An odd channel count is refused live, by the schema's own words, and blocks the run.
    await wrapper.get('[data-field=channels]').setValue('5');
    expect(wrapper.get('[data-testid=space-problems]').text()).toMatch(/channels must be even/);
    expect(wrapper.get('[data-testid=start-in-space]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-field=channels]').setValue('4');

    await wrapper.get('[data-testid=space-editor]').trigger('submit');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/runs/new');
    expect(wrapper.get('[data-testid=carried-space]').text()).toContain('skip_connect, sep_conv_3x3');
    expect(wrapper.find('[data-field="space.layers"]').exists()).toBe(false);

    await wrapper.get('[data-field=epochs]').setValue('1');
    await wrapper.get('[data-testid=new-run-form]').trigger('submit');
    await flushPromises();
    const start = api.calls.find((c) => c.channel === 'runs.start')?.request as { config: { algorithm: string; space: unknown; epochs: number } };
    expect(start.config.algorithm).toBe('darts');
    expect(start.config.epochs).toBe(1);
    expect(start.config.space).toEqual(robustDartsSpace('S2', { layers: 2, channels: 4 }));
    expect(router.currentRoute.value.path).toBe('/runs/7');
  });

  it('switches to NAS-Bench-201 and counts its cells', async () => {
    const { router, root } = setup();
    await router.push('/spaces');
    const wrapper = mount(root, { global: { plugins: [router] } });
    await flushPromises();
    await wrapper.get('[data-testid=space-kind-nb201]').trigger('click');
    await wrapper.get('[data-op=none]').setValue(false);
    expect(wrapper.get('[data-testid=edges-per-cell]').text()).toBe('6');
    expect(wrapper.get('[data-testid=mixed-edges]').text()).toBe('90');
    expect(wrapper.text()).toContain('4,096');
  });
});
