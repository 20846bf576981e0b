import { describe, expect, it } from 'vitest';
import { NB201_OPS } from '../../../src-shared/model/space';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { analyseLandscape } from '../../../src-main/engine/search/blackbox/landscape';
import { runLandscapeCommand } from '../../../src-main/cli/commands/landscape';
import { fakeTable, opsOf } from './fake-benchmark';
import { nb201Table } from '../../fixtures/published';

/**
 * Brute force written apart from the module: cells are op lists parsed from arch strings, neighbours
 * are found by substituting one op and looking the string up, and the documented tie rule (lowest
 * index, the base-|ops| number of the op positions, first edge most significant) is computed here.
 */
function bruteForce(rows: { arch: string; value: number }[], ops: readonly string[]) {
  const byKey = new Map(rows.map((r) => [opsOf(r.arch).join(','), r]));
  const index = (list: string[]): number => list.reduce((n, op) => n * ops.length + ops.indexOf(op), 0);
  const climb = (list: string[]): string[] => {
    let best = list;
    let bestValue = (byKey.get(list.join(',')) as { value: number }).value;
    const candidates: string[][] = [];
    list.forEach((_, e) => ops.forEach((op) => op !== list[e] && candidates.push(list.map((o, i) => (i === e ? op : o)))));
    const order = new Map(candidates.map((c) => [c, index(c)]));
    candidates.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
    for (const c of candidates) {
      const v = (byKey.get(c.join(',')) as { value: number }).value;
      if (v > bestValue) [best, bestValue] = [c, v];
    }
    return best;
  };
  const top = Math.max(...rows.map((r) => r.value));
  const next = new Map(rows.map((r) => [r.arch, climb(opsOf(r.arch))]));
  const archOf = (list: string[]): string => (byKey.get(list.join(',')) as { arch: string }).arch;
  let optima = 0;
  let reached = 0;
  let moves = 0;
  for (const r of rows) {
    if (archOf(next.get(r.arch) as string[]) === r.arch) optima++;
    let at = r.arch;
    for (let to = archOf(next.get(at) as string[]); to !== at; to = archOf(next.get(at) as string[])) {
      at = to;
      moves++;
    }
    if ((byKey.get(opsOf(at).join(',')) as { value: number }).value === top) reached++;
  }
  return { localOptima: optima, globalReachShare: reached / rows.length, meanIterations: moves / rows.length };
}

describe('landscape analysis', () => {
  it('agrees with brute force on the hand-made 64-cell table', () => {
    const t = fakeTable();
    const rows = Array.from({ length: t.cells.size }, (_, c) => ({ arch: t.cells.toArchString(c), value: t.val[c] }));
    const want = bruteForce(rows, t.cells.ops);
    const got = analyseLandscape(t.cells, t.val);
    expect(got).toMatchObject(want);
    expect(got.localOptima).toBeGreaterThan(1);
  });

  it('agrees with brute force on a 3-op space with many tied values', () => {
    const cells = new Nb201Cells(['none', 'skip_connect', 'nor_conv_3x3']);
    // values in {0..4}: ties everywhere, so the tie rule decides most descents
    const values = Float64Array.from({ length: cells.size }, (_, c) => (c * 7 + (c >> 3)) % 5);
    const rows = Array.from({ length: cells.size }, (_, c) => ({ arch: cells.toArchString(c), value: values[c] }));
    expect(analyseLandscape(cells, values)).toMatchObject(bruteForce(rows, cells.ops));
  });

  it('agrees with brute force on NAS-Bench-201 CIFAR-10, read from the source file', async () => {
    const source = nb201Table('cifar10');
    for (const metric of ['val', 'test'] as const) {
      const rows = Object.entries(source).map(([arch, r]) => ({ arch, value: metric === 'val' ? r.val_acc_200 : r.test_acc_200 }));
      const want = bruteForce(rows, NB201_OPS);
      const lines: string[] = [];
      expect(await runLandscapeCommand({ space: 'nb201', dataset: 'cifar10', metric, json: true }, (s) => lines.push(s))).toBe(0);
      const got = JSON.parse(lines.join('\n'));
      expect({ localOptima: got.localOptima, globalReachShare: got.globalReachShare, meanIterations: got.meanIterations }).toEqual(want);
      console.log(`NB201 cifar10 ${metric}: ${got.localOptima} local optima, ${(100 * got.globalReachShare).toFixed(2)} % of descents reach the optimum, ${got.meanIterations.toFixed(3)} moves on average`);
    }
  });

  it('refuses a bad metric with a message', async () => {
    const lines: string[] = [];
    expect(await runLandscapeCommand({ space: 'nb201', dataset: 'cifar10', metric: 'loss' as 'val', json: false }, (s) => lines.push(s))).toBe(2);
    expect(lines.join()).toMatch(/choose val or test/);
  });
});
