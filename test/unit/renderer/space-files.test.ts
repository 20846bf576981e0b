// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView, createMemoryHistory, createRouter } from 'vue-router';
import { ApiError } from '../../../src-shared/api-error';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import type { SavedSpace } from '../../../src-shared/model/saved-space';
import { SearchSpace } from '../../../src-shared/model/space';
import { setApi } from '../../../src-renderer/api/current';
import { spaceCellGraphs } from '../../../src-renderer/lib/cell-graph';
import { checkDraft, draftFromSpace, parseSpaceFile } from '../../../src-renderer/lib/space-draft';
import SearchSpacesView from '../../../src-renderer/views/SearchSpacesView.vue';
import { FakeApi } from './fake-api';

describe('a space as a diagram', () => {
  it('draws every candidate edge of a 2-node DARTS cell with its ops (DARTS edge order)', () => {
    const [graph, ...more] = spaceCellGraphs(SearchSpace.parse({ kind: 'darts', nodes: 2, ops: ['skip_connect', 'sep_conv_3x3'] }));
    expect(more).toEqual([]);
    expect(graph.edges.map((e) => [e.from, e.to, e.op])).toEqual([
      ['c_k-2', '0', 'skip sep3'], ['c_k-1', '0', 'skip sep3'],
      ['c_k-2', '1', 'skip sep3'], ['c_k-1', '1', 'skip sep3'], ['0', '1', 'skip sep3'],
    ]);
    expect(graph.concat.map((e) => e.from)).toEqual(['0', '1']);
  });

  it('draws NB201\'s six edges, and two cells when per-edge lists make normal and reduction differ', () => {
    const [nb] = spaceCellGraphs(SearchSpace.parse({ kind: 'nb201' }));
    expect(nb.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['0>1', '0>2', '1>2', '0>3', '1>3', '2>3']);
    expect(nb.edges.every((e) => e.op === '5 ops')).toBe(true);
    const s1 = spaceCellGraphs(robustDartsSpace('S1'));
    expect(s1.map((g) => g.title)).toEqual(['Normal cell', 'Reduction cell']);
    expect(s1[0].edges).toHaveLength(14);
  });
});

describe('space files', () => {
  it('reads back what the editor exports, and says what is wrong with a bad file', () => {
    const space = robustDartsSpace('S3', { layers: 4, channels: 6 });
    const read = parseSpaceFile(`\uFEFF${JSON.stringify(space, null, 2)}`, 's3.json');
    expect(read).toEqual({ space, error: null });
    expect(checkDraft(draftFromSpace(space))).toEqual({ space, problems: [] });
    expect(parseSpaceFile('{', 'x.json').error).toMatch(/^x\.json is not JSON/);
    expect(parseSpaceFile('{"kind":"darts","channels":5}', 'odd.json').error).toBe('odd.json is not a valid search space: channels must be even (FactorizedReduce splits them in two halves), got 5');
  });
});

describe('the space editor saves by name and redraws as it is edited', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('redraws on an edit; saves; offers to replace a taken name', async () => {
    const saved: SavedSpace[] = [];
    const api = new FakeApi()
      .handle('spaces.list', () => saved)
      .handle('spaces.save', (r) => {
        const existing = saved.find((s) => s.name === r.name);
        if (existing && !r.replace) throw new ApiError({ code: 'conflict', field: 'name', message: `a space named '${r.name}' already exists: pick another name, or replace it` });
        const entry: SavedSpace = { id: existing?.id ?? saved.length + 1, name: r.name, space: SearchSpace.parse(r.space), createdAt: 't', updatedAt: 't' };
        if (!existing) saved.push(entry);
        return entry;
      });
    setApi(api);
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/spaces', component: SearchSpacesView }] });
    await router.push('/spaces');
    const wrapper = mount(defineComponent({ render: () => h(RouterView) }), { global: { plugins: [router] } });
    await flushPromises();
    expect(wrapper.findAll('[data-testid=cell-edge]')).toHaveLength(14);
    await wrapper.get('[data-field=nodes]').setValue('2');
    expect(wrapper.findAll('[data-testid=cell-edge]')).toHaveLength(5);
    await wrapper.get('[data-op=none]').setValue(false);
    expect(wrapper.get('[data-testid=cell-edge]').attributes('data-op')).toBe('7 ops');

    await wrapper.get('[data-testid=space-name]').setValue('two nodes');
    await wrapper.get('[data-testid=save-space]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid=space-notice]').text()).toBe('Saved as “two nodes”.');
    expect(wrapper.findAll('[data-testid=saved-spaces] tbody tr')).toHaveLength(1);

    await wrapper.get('[data-field=nodes]').setValue('3');
    await wrapper.get('[data-testid=save-space]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid=space-error]').text()).toContain("a space named 'two nodes' already exists");
    await wrapper.get('[data-testid=replace-space]').trigger('click');
    await flushPromises();
    const last = api.calls.filter((c) => c.channel === 'spaces.save').at(-1)?.request as { replace: boolean; space: { nodes: number } };
    expect(last).toMatchObject({ replace: true, space: { nodes: 3 } });
    expect(wrapper.find('[data-testid=replace-space]').exists()).toBe(false);
  });
});
