import { describe, expect, it } from 'vitest';
import { deriveDartsGenotype, deriveNb201Genotype } from '../../../src-shared/model/genotype-derive';
import { dartsEdgeCount } from '../../../src-shared/model/space';
import { DARTS_OPS } from '../../../src-shared/model/space';

// Worked by hand (see docs/genotypes.md): ops none, skip_connect, sep_conv_3x3; 2 nodes, 5 edges.
//   edge 0 (node 0 <- 0) [2, 0, 1]:   softmax = .665 .090 .245  -> none strongest; best non-none sep .245
//   edge 1 (node 0 <- 1) [0, .5, 0]:  softmax = .274 .452 .274  -> skip .452
//   node 0: edge 1 (.452) before edge 0 (.245)            -> (skip_connect, 1), (sep_conv_3x3, 0)
//   edge 2 (node 1 <- 0) [5, 3, 0]:   softmax = .876 .119 .006  -> skip .119 (raw alpha 3: largest raw)
//   edge 3 (node 1 <- 1) [0, 0, 2]:   softmax = .107 .107 .787  -> sep .787
//   edge 4 (node 1 <- 2) [0, 1, 1]:   softmax = .155 .422 .422  -> tie, first op wins: skip .422
//   node 1: edge 3, edge 4; edge 2 loses although its raw alpha is the largest
//                                                          -> (sep_conv_3x3, 1), (skip_connect, 2)
const OPS = ['none', 'skip_connect', 'sep_conv_3x3'];
const HAND_NORMAL = [
  [2, 0, 1],
  [0, 0.5, 0],
  [5, 3, 0],
  [0, 0, 2],
  [0, 1, 1],
];
const ZEROS = Array.from({ length: 5 }, () => [0, 0, 0]);

describe('deriveDartsGenotype', () => {
  it('follows DARTS _parse on a hand-worked example (softmax per edge, none excluded, ties to the lower index)', () => {
    const g = deriveDartsGenotype(HAND_NORMAL, ZEROS, OPS, 2);
    expect(g.normal).toEqual([
      ['skip_connect', 1],
      ['sep_conv_3x3', 0],
      ['sep_conv_3x3', 1],
      ['skip_connect', 2],
    ]);
    // All-equal weights: inputs 0 and 1 win by stable order, and the first non-none op.
    expect(g.reduce).toEqual([
      ['skip_connect', 0],
      ['skip_connect', 1],
      ['skip_connect', 0],
      ['skip_connect', 1],
    ]);
    expect(g.normal_concat).toEqual([2, 3]);
    expect(g.reduce_concat).toEqual([2, 3]);
  });

  it('picks the same cell under a constant shift of one edge row (softmax invariance) on the 8-op, 4-node space', () => {
    const rows = dartsEdgeCount(4);
    expect(rows).toBe(14);
    const alpha = Array.from({ length: rows }, (_, e) => DARTS_OPS.map((_, k) => Math.sin(7 * e + 3 * k)));
    const shifted = alpha.map((row, e) => row.map((a) => a + e * 10));
    const a = deriveDartsGenotype(alpha, alpha, DARTS_OPS, 4);
    expect(deriveDartsGenotype(shifted, shifted, DARTS_OPS, 4)).toEqual(a);
    expect(a.normal).toHaveLength(8);
    expect(a.normal_concat).toEqual([2, 3, 4, 5]);
    for (const [op] of a.normal) expect(op).not.toBe('none');
  });

  it('takes per-edge op lists (RobustDARTS S1-style)', () => {
    const perEdge = [['none', 'sep_conv_3x3'], ['skip_connect', 'dil_conv_3x3'], ['max_pool_3x3', 'skip_connect'], ['sep_conv_5x5', 'none'], ['avg_pool_3x3', 'sep_conv_3x3']];
    const alpha = [
      [0, 1],
      [1, 0],
      [0, 0],
      [0, 3],
      [2, 0],
    ];
    const g = deriveDartsGenotype(alpha, alpha, { normal: perEdge, reduce: perEdge }, 2);
    // edge0 sep .731, edge1 skip .731: tie -> input 0 first. edge2 max_pool .5, edge3 sep5 .047, edge4 avg .881.
    expect(g.normal).toEqual([
      ['sep_conv_3x3', 0],
      ['skip_connect', 1],
      ['avg_pool_3x3', 2],
      ['max_pool_3x3', 0],
    ]);
  });

  it('rejects alphas that do not fit the cell, with the row named', () => {
    expect(() => deriveDartsGenotype(HAND_NORMAL.slice(1), ZEROS, OPS, 2)).toThrow(/alpha normal has 4 rows, but a cell of 2 nodes has 5 edges/);
    expect(() => deriveDartsGenotype(ZEROS, [...ZEROS.slice(0, 4), [0, 0]], OPS, 2)).toThrow(/alpha reduce row 4 \(node 1, input 2\): has 2 weights but the edge has 3/);
    expect(() => deriveDartsGenotype([[NaN, 0, 0], ...ZEROS.slice(1)], ZEROS, OPS, 2)).toThrow(/row 0.*not a finite number/);
    const onlyNone = [['none'], ['none'], ['skip_connect'], ['skip_connect'], ['skip_connect']];
    expect(() => deriveDartsGenotype([[0], [0], [0], [0], [0]], [[0], [0], [0], [0], [0]], { normal: onlyNone, reduce: onlyNone }, 2)).toThrow(
      /only candidate op is 'none'/,
    );
  });
});

describe('deriveNb201Genotype', () => {
  it('takes the argmax of every edge, none included, the first maximum winning a tie', () => {
    // ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3
    const alpha = [
      [0, 0, 0, 1, 0], // nor_conv_3x3
      [3, 0, 0, 0, 0], // none (kept in NB201)
      [0, 0, 0, 0, 2], // avg_pool_3x3
      [0, 1, 1, 0, 0], // tie -> skip_connect
      [0, 0, 5, 0, 0], // nor_conv_1x1
      [-1, -2, -3, -4, -5], // none
    ];
    expect(deriveNb201Genotype(alpha).arch).toBe('|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|');
  });

  it('rejects a wrong shape', () => {
    expect(() => deriveNb201Genotype([[0, 0, 0, 0, 0]])).toThrow(/1 rows, but the cell has 6 edges/);
  });
});
