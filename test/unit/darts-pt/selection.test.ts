import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { ptGenotype, ptPhaseSteps, ptPlan, ptRounds, selectInputs, selectOp, type PtDecision } from '../../../src-shared/model/pt-selection';

/**
 * A hand-made one-edge supernet whose right op is known: samples x = -2, -1, 1, 2 labelled by their
 * sign; the edge mixes identity (x), negation (-x) and a constant (+1) with weights w, and predicts
 * "positive" when its output is > 0. Identity is the right op; α favours the constant.
 */
const XS = [-2, -1, 1, 2];
const OPS = ['identity', 'negate', 'constant'];
const apply = [(x: number) => x, (x: number) => -x, () => 1];
function accuracy(w: number[]): number {
  let right = 0;
  for (const x of XS) {
    const out = w.reduce((s, wk, k) => s + wk * apply[k](x), 0);
    if (out > 0 === x > 0) right++;
  }
  return right / XS.length;
}

describe('DARTS-PT op selection', () => {
  it('keeps the op whose removal drops the accuracy most, not the one α weighs most', async () => {
    const w = [0.3, 0.3, 0.4];
    // By hand: with every op, out = 0.4 for all x: 2 of 4 right (0.5).
    // Without identity: out = -0.3x + 0.4 → 1.0, 0.7, 0.1, -0.2: only x = 1 right (0.25).
    // Without negate: out = 0.3x + 0.4 → -0.2, 0.1, 0.7, 1.0: x = -1 wrong (0.75).
    // Without constant: out = 0 everywhere, "negative": x = -2, -1 right (0.5).
    expect(accuracy(w)).toBe(0.5);
    const { scores, chosen } = await selectOp(OPS, (k) => accuracy(w.map((v, j) => (j === k ? 0 : v))));
    expect(scores).toEqual([0.25, 0.75, 0.5]);
    expect(OPS[chosen]).toBe('identity');
    expect(w.indexOf(Math.max(...w))).toBe(2); // DARTS's arg-max would keep the constant
  });

  it('keeps the first op of a tie and skips the ops it must not keep', async () => {
    const table = [0.4, 0.2, 0.2, 0.1];
    const seen: number[] = [];
    const { scores, chosen } = await selectOp(['none', 'a', 'b', 'c'], (k) => (seen.push(k), table[k]), (op) => op !== 'none' && op !== 'c');
    expect(seen).toEqual([1, 2]);
    expect(scores).toEqual([null, 0.2, 0.2, null]);
    expect(chosen).toBe(1);
  });

  it('refuses a non-finite score and an edge with nothing to keep', async () => {
    await expect(selectOp(['a', 'b'], () => Number.NaN)).rejects.toThrow(/score with op 'a' removed came out NaN/);
    await expect(selectOp(['none'], () => 1, (op) => op !== 'none')).rejects.toThrow(/no op of \[none\] can be kept/);
  });
});

describe('DARTS-PT topology selection', () => {
  it('keeps the two inputs whose removal hurts most, ties to the lower input', async () => {
    expect(await selectInputs([0, 1, 2], (i) => [0.6, 0.3, 0.5][i])).toEqual({ scores: [0.6, 0.3, 0.5], kept: [1, 2] });
    expect((await selectInputs([0, 1, 2, 3], (i) => [0.5, 0.5, 0.5, 0.4][i])).kept).toEqual([0, 3]);
  });
});

describe('DARTS-PT plan and genotype', () => {
  it('counts the authors\' rounds: every edge, then every node with more than two inputs', () => {
    // projection.py: num_projs = num_edges + len(nid2eids) - 1 = 14 + 3 - 1, decided at epochs 0, 5, ..., 80: 17 rounds.
    expect(ptRounds('darts', 4)).toBe(17);
    expect(ptRounds('darts', 2)).toBe(6);
    expect(ptRounds('nb201', 3)).toBe(6);
    expect(ptPhaseSteps(6, 8)).toBe(6 + 5 * 8);
    const plan = ptPlan('darts', 4, 14, new Rng(3));
    for (const cell of ['normal', 'reduce']) {
      expect([...plan.edgeOrder[cell]].sort((a, b) => a - b)).toEqual([...Array(14).keys()]);
      expect([...plan.nodeOrder[cell]].sort()).toEqual([1, 2, 3]);
    }
    expect(ptPlan('darts', 4, 14, new Rng(3))).toEqual(plan);
  });

  it('writes the cell from the decisions', () => {
    const op = (cell: 'normal' | 'reduce', edge: number, chosen: number): PtDecision => ({ kind: 'op', round: edge, cell, edge, node: 0, input: 0, base: 1, ops: ['skip_connect', 'sep_conv_3x3'], scores: [0, 0], chosen });
    const decisions: PtDecision[] = [
      ...[0, 1, 2, 3, 4].map((e) => op('normal', e, e % 2)),
      ...[0, 1, 2, 3, 4].map((e) => op('reduce', e, 1)),
      { kind: 'topology', round: 5, cell: 'normal', node: 1, inputs: [0, 1, 2], edges: [2, 3, 4], base: 1, scores: [0.5, 0.9, 0.1], kept: [0, 2] },
      { kind: 'topology', round: 5, cell: 'reduce', node: 1, inputs: [0, 1, 2], edges: [2, 3, 4], base: 1, scores: [0.1, 0.2, 0.9], kept: [0, 1] },
    ];
    expect(ptGenotype('darts', 2, decisions)).toEqual({
      space: 'darts',
      normal: [['skip_connect', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 2]],
      normal_concat: [2, 3],
      reduce: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1]],
      reduce_concat: [2, 3],
    });
    expect(() => ptGenotype('darts', 2, decisions.slice(0, 10))).toThrow(/not decided node 1's inputs of the normal cell/);
  });
});
