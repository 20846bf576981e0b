import { describe, expect, it } from 'vitest';
import { DartsGenotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { DartsCells } from '../../../src-main/engine/search/blackbox/spaces/darts-cells';
import { DartsEncodings } from '../../../src-main/engine/search/blackbox/spaces/darts-encodings';

/** DARTS's published DARTS-V2 cell (Liu et al., ICLR 2019, genotypes.py). */
const DARTS_V2 = {
  space: 'darts',
  normal: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2]],
  normal_concat: [2, 3, 4, 5],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1]],
  reduce_concat: [2, 3, 4, 5],
};

describe('DARTS cell-pair encodings (two cells of 4 nodes)', () => {
  const cells = new DartsCells({ kind: 'darts' });
  const enc = new DartsEncodings(cells);

  it('a genotype round-trips through the adjacency one-hot and the graph encodings', () => {
    const rng = new Rng(9);
    // DARTS-V2 lists some nodes' inputs descending ([sep 1, skip 0]); a pair keeps them ascending
    const v2 = cells.toGenotype(cells.fromGenotype(DartsGenotype.parse(DARTS_V2)));
    expect(v2.normal.slice(4, 6)).toEqual([['skip_connect', 0], ['sep_conv_3x3', 1]]);
    expect(v2.reduce.slice(2, 4)).toEqual([['max_pool_3x3', 1], ['skip_connect', 2]]);
    const genotypes = [v2, ...Array.from({ length: 50 }, () => cells.toGenotype(cells.sample(rng)))];
    for (const genotype of genotypes) {
      const arch = cells.fromGenotype(genotype);
      const vector = cells.encode(arch);
      expect(vector.length).toBe(enc.adjacencyLength);
      expect(cells.toGenotype(enc.decodeAdjacency(vector))).toEqual(genotype);
      expect(cells.toGenotype(enc.decodeGraphs(enc.graphs(arch)))).toEqual(genotype);
    }
  });

  it('the adjacency encoding sets one bit per chosen edge: 8 per cell, 16 for the pair (14 edges × 7 ops each)', () => {
    const ones = enc.adjacencyOnes(cells.fromGenotype(DartsGenotype.parse(DARTS_V2)));
    expect(ones.length).toBe(16);
    expect(enc.adjacencyLength).toBe(2 * 14 * 7);
  });

  it('the path encoding counts the paths a hand enumeration finds', () => {
    // normal cell of DARTS-V2 (inputs sorted): node 0 ← 0, 1; node 1 ← 0, 1; node 2 ← 0, 1; node 3 ← 0, 2 (via node 0)
    // paths: node 0: 2, node 1: 2, node 2: 2, node 3: 1 + 2 = 3 → 9 paths, op sequences:
    // sep(in0) sep(in1) | sep(in0) sep(in1) | skip(in0) sep(in1) | skip(in0), sep·dil(in0), sep·dil(in1)
    // distinct (input, sequence): (0,sep) (1,sep) (0,skip) (0,sep dil) (1,sep dil) → 5 normal-cell bits
    const normal = [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['dil_conv_3x3', 2]];
    // reduce cell: node 0 ← 0, 1 (max, max); node 1 ← 1 (max), 2 (skip); node 2 ← 0 (max), 2 (skip); node 3 ← 1 (max), 2 (skip)
    // sequences: (0,max) (1,max) | (1,max) (0,max skip) (1,max skip) | (0,max) ... | (1,max) ...
    // distinct: (0,max) (1,max) (0,max skip) (1,max skip) → 4 reduce-cell bits
    const reduce = [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 0], ['skip_connect', 2], ['max_pool_3x3', 1], ['skip_connect', 2]];
    const arch = cells.fromGenotype(DartsGenotype.parse({ ...DARTS_V2, normal, reduce }));
    const ones = enc.pathOnes(arch);
    expect(ones.length).toBe(9);
    const block = 7 + 49 + 343 + 2401;
    expect(enc.pathLength).toBe(4 * block);
    expect(ones.filter((i) => i < 2 * block).length).toBe(5);
    expect(ones.every((i) => i >= 0 && i < enc.pathLength)).toBe(true);
  });

  it('per-edge op sets (RobustDARTS S1) round-trip too', () => {
    const s1 = new DartsCells(robustDartsSpace('S1', { channels: 4, layers: 3 }));
    const e1 = new DartsEncodings(s1);
    const rng = new Rng(4);
    for (let i = 0; i < 20; i++) {
      const arch = s1.sample(rng);
      expect(e1.decodeAdjacency(s1.encode(arch))).toEqual(arch);
      expect(e1.decodeGraphs(e1.graphs(arch))).toEqual(arch);
    }
  });

  it('bad vectors and genotypes get a clear error', () => {
    expect(() => enc.decodeAdjacency([1, 0])).toThrow(/entries/);
    expect(() => cells.fromGenotype(DartsGenotype.parse({ ...DARTS_V2, normal_concat: [2, 3] }))).toThrow(/concatenates every intermediate node/);
  });
});
