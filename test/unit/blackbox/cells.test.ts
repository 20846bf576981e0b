import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { Nb201Genotype } from '../../../src-shared/model/genotype';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { hamming } from './fake-benchmark';

const cells = new Nb201Cells();
const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|';

describe('NB201 cell space', () => {
  it('has 5^6 cells and every index round-trips through a valid arch string', () => {
    expect(cells.size).toBe(15625);
    const strings = new Set<string>();
    for (let c = 0; c < cells.size; c++) {
      const arch = cells.toArchString(c);
      expect(cells.fromArchString(arch)).toBe(c);
      strings.add(arch);
    }
    expect(strings.size).toBe(15625);
    expect(Nb201Genotype.safeParse(cells.toGenotype(1234)).success).toBe(true);
  });

  it('reads the edges of an arch string in arch-string order, first edge most significant', () => {
    // ops by position: none 0, skip 1, conv1x1 2, conv3x3 3, avg_pool 4
    expect(cells.edgeOps(cells.fromArchString(EXAMPLE))).toEqual([3, 3, 4, 1, 2, 3]);
    expect(cells.fromArchString(EXAMPLE)).toBe(((((3 * 5 + 3) * 5 + 4) * 5 + 1) * 5 + 2) * 5 + 3);
  });

  it('rejects malformed arch strings with a message naming the fault', () => {
    expect(() => cells.fromArchString('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toThrow(/unknown op "conv"/);
    expect(() => cells.fromArchString('|none~1|+|none~0|none~1|+|none~0|none~1|none~2|')).toThrow(/should read from node 0/);
    expect(() => cells.fromArchString('|none~0|+|none~0|none~1|')).toThrow(/three/);
    expect(() => cells.toArchString(15625)).toThrow(/outside/);
  });

  it('gives 24 neighbours, each one edge away, and mutates one edge', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const c = cells.sample(rng);
      const arch = cells.toArchString(c);
      const nbrs = cells.neighbours(c);
      expect(new Set(nbrs).size).toBe(24);
      for (const n of nbrs) expect(hamming(arch, cells.toArchString(n))).toBe(1);
      const child = cells.mutate(c, rng);
      expect(hamming(arch, cells.toArchString(child))).toBe(1);
    }
  });

  it('draws from the Rng it is given only: same seed, same cells', () => {
    const draw = (seed: number): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => cells.mutate(cells.sample(rng), rng));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('encodes adjacency one-hot and paths as worked out by hand', () => {
    const c = cells.fromArchString(EXAMPLE);
    // edge e with op d sets bit 5e + d
    expect(cells.adjacencyOnes(c)).toEqual([3, 8, 14, 16, 22, 28]);
    // paths: 0→3 (skip=1) → 1; 0→1→3 (conv3, conv1) → 5 + 3 + 2·5 = 18; 0→2→3 (conv3, conv3) → 5 + 3 + 3·5 = 23;
    // 0→1→2→3 (conv3, avg, conv3) → 30 + 3 + 4·5 + 3·25 = 128
    expect(cells.pathOnes(c)).toEqual([1, 18, 23, 128]);
    expect(cells.pathLength).toBe(155);
    // all-none: the two length-2 paths coincide, so three ones
    expect(cells.pathOnes(0)).toEqual([0, 5, 30]);
  });
});
