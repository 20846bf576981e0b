// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import GenotypeDiagrams from '../../../src-renderer/components/GenotypeDiagrams.vue';
import { publishedDartsCell } from '../../fixtures/published';
import { LABEL_CHAR_WIDTH, LABEL_HEIGHT, cellGraphs, opCounts } from '../../../src-renderer/lib/cell-graph';

const DARTS_V2: DartsGenotype = publishedDartsCell('DARTS_V2');

/** The edges of a cell as "op:from->to", written out by hand from DARTS's genotypes.py for DARTS_V2. */
const V2_NORMAL = [
  'sep_conv_3x3:c_k-2->0', 'sep_conv_3x3:c_k-1->0', 'sep_conv_3x3:c_k-2->1', 'sep_conv_3x3:c_k-1->1',
  'sep_conv_3x3:c_k-1->2', 'skip_connect:c_k-2->2', 'skip_connect:c_k-2->3', 'dil_conv_3x3:0->3',
];
const V2_REDUCE = [
  'max_pool_3x3:c_k-2->0', 'max_pool_3x3:c_k-1->0', 'skip_connect:0->1', 'max_pool_3x3:c_k-1->1',
  'max_pool_3x3:c_k-2->2', 'skip_connect:0->2', 'skip_connect:0->3', 'max_pool_3x3:c_k-1->3',
];

describe('cell diagram', () => {
  it('draws DARTS_V2 as two cells of 2 inputs, 4 nodes, an output, 8 labelled edges and a 4-way concat', () => {
    const wrapper = mount(GenotypeDiagrams, { props: { genotype: DARTS_V2 } });
    const cells = wrapper.findAll('[data-testid=cell-diagram]');
    expect(cells.map((c) => c.attributes('data-cell'))).toEqual(['Normal cell', 'Reduction cell']);
    const expected = [V2_NORMAL, V2_REDUCE];
    cells.forEach((cell, i) => {
      expect(cell.findAll('[data-testid=cell-node]').map((n) => n.attributes('data-node'))).toEqual(['c_k-2', 'c_k-1', '0', '1', '2', '3', 'c_k']);
      const edges = cell.findAll('[data-testid=cell-edge]');
      expect(edges.map((e) => `${e.attributes('data-op')}:${e.attributes('data-from')}->${e.attributes('data-to')}`)).toEqual(expected[i]);
      expect(edges.map((e) => e.find('[data-testid=edge-label]').text())).toEqual(expected[i].map((s) => s.split(':')[0]));
      expect(cell.findAll('[data-testid=concat-edge]')).toHaveLength(4);
    });
  });

  it('draws an NB201 cell as nodes 0..3 with its six edges, none included', () => {
    const arch = '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|';
    const wrapper = mount(GenotypeDiagrams, { props: { genotype: { space: 'nb201', arch } } });
    const cells = wrapper.findAll('[data-testid=cell-diagram]');
    expect(cells).toHaveLength(1);
    expect(cells[0].findAll('[data-testid=cell-node]').map((n) => n.attributes('data-node'))).toEqual(['0', '1', '2', '3']);
    const edges = cells[0].findAll('[data-testid=cell-edge]').map((e) => `${e.attributes('data-op')}:${e.attributes('data-from')}->${e.attributes('data-to')}`);
    expect(edges).toEqual(['nor_conv_3x3:0->1', 'none:0->2', 'skip_connect:1->2', 'avg_pool_3x3:0->3', 'nor_conv_1x1:1->3', 'nor_conv_3x3:2->3']);
    expect(cells[0].findAll('[data-testid=concat-edge]')).toHaveLength(0);
  });

  it('places every node one rank right of its latest input, and no two op labels on top of each other', () => {
    // A derived cell whose node 0 reads c_{k-2} twice (twin edges) and whose nodes chain: the hard case.
    const chained: DartsGenotype = {
      space: 'darts',
      normal: [['skip_connect', 0], ['sep_conv_3x3', 0], ['skip_connect', 2], ['sep_conv_3x3', 1], ['skip_connect', 3], ['sep_conv_3x3', 2], ['skip_connect', 4], ['sep_conv_3x3', 0]],
      normal_concat: [2, 3, 4, 5],
      reduce: DARTS_V2.reduce,
      reduce_concat: DARTS_V2.reduce_concat,
    };
    for (const graph of [...cellGraphs(DARTS_V2), ...cellGraphs(chained)]) {
      const x = new Map(graph.nodes.map((n) => [n.id, n.x]));
      for (const e of [...graph.edges, ...graph.concat]) expect(x.get(e.to)!).toBeGreaterThan(x.get(e.from)!);
      const boxes = graph.edges.map((e) => ({ x: e.labelX, y: e.labelY, w: (e.op ?? '').length * LABEL_CHAR_WIDTH + 8 }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const apart = Math.abs(boxes[i].x - boxes[j].x) * 2 >= boxes[i].w + boxes[j].w || Math.abs(boxes[i].y - boxes[j].y) >= LABEL_HEIGHT;
          expect(apart, `labels ${i} and ${j} of the ${graph.title} overlap`).toBe(true);
        }
      }
    }
  });

  it('counts skip connections per cell', () => {
    expect(opCounts(DARTS_V2).map((c) => c.counts.skip_connect)).toEqual([2, 3]);
  });
});
