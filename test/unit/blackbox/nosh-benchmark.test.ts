import { describe, expect, it } from 'vitest';
import { runBenchmarkCommand } from '../../../src-main/cli/commands/benchmark';
import { budgetToReach } from '../../../src-main/engine/search/blackbox/nosh-trials';

async function run(strategies: string[], json: boolean): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runBenchmarkCommand({ space: 'nb201', dataset: 'cifar10', strategies, trials: 2, budget: 3, seed: 1, json }, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
}

describe('benchmark command with epoch-counted strategies', () => {
  it('runs NOSH and Rank-NOSH for budget × 200 epochs on the synthetic curves, reproducibly, next to random search', async () => {
    const a = JSON.parse((await run(['random', 'nosh', 'rank-nosh'], true)).text);
    const b = JSON.parse((await run(['random', 'nosh', 'rank-nosh'], true)).text);
    for (const name of ['nosh', 'rank-nosh']) {
      const r = a.epochResults[name];
      // 600 epochs sampled every 200: three points; the answer's test accuracy is a table value.
      expect(r.curve).toHaveLength(3);
      expect(r.every).toBe(200);
      expect(r.testMean).toBeGreaterThan(80);
      expect(r.testMean).toBeLessThanOrEqual(94.37);
      // Levels 12, 25, 50, 100, 200 epochs: 600 epochs buy more cells than three full trainings.
      expect(r.cellsMean).toBeGreaterThan(3);
      expect({ ...r, seconds: 0 }).toEqual({ ...b.epochResults[name], seconds: 0 });
    }
    expect(a.results.random.curve).toHaveLength(3);
  });

  it('prints the epochs each strategy needed to reach the lowest final accuracy among them', async () => {
    const { code, text } = await run(['random', 'nosh'], false);
    expect(code).toBe(0);
    expect(text).toMatch(/epochs to reach \d+\.\d\d/);
    expect(text).toMatch(/^nosh\s+\d+\.\d\d ± \d+\.\d\d\s+\d+\.\d \/ \d+\.\d\s+(\d+|never)/m);
  });

  it('budgetToReach: the first sample at or above the target, in units', () => {
    expect(budgetToReach([90, 92, 93.5, 94], 200, 93)).toBe(600);
    expect(budgetToReach([90, Number.NaN, 95], 200, 91)).toBe(600);
    expect(budgetToReach([90, 91], 200, 93)).toBeNull();
  });
});
