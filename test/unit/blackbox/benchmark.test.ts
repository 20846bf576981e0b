import { describe, expect, it } from 'vitest';
import { runBenchmarkCommand } from '../../../src-main/cli/commands/benchmark';

async function run(args: Partial<Parameters<typeof runBenchmarkCommand>[0]>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runBenchmarkCommand(
    { space: 'nb201', dataset: 'cifar10', strategies: ['random', 'rea', 'ls'], trials: 4, budget: 30, seed: 5, json: true, ...args },
    (s) => lines.push(s),
  );
  return { code, text: lines.join('\n') };
}

describe('benchmark command', () => {
  it('reports per strategy the mean and std of the test accuracy reached, reproducibly', async () => {
    const a = await run({});
    const b = await run({});
    expect(a.code).toBe(0);
    const ra = JSON.parse(a.text);
    const rb = JSON.parse(b.text);
    for (const name of ['random', 'rea', 'ls']) {
      const r = ra.results[name];
      expect(r.curve).toHaveLength(30);
      expect(r.curve[29]).toBeCloseTo(r.testMean, 9);
      expect(r.testStd).toBeGreaterThanOrEqual(0);
      expect(r.testMean).toBeGreaterThan(80);
      expect(r.testMean).toBeLessThanOrEqual(94.37);
      expect({ ...r, seconds: 0 }).toEqual({ ...rb.results[name], seconds: 0 });
      expect(r.curveStd).toHaveLength(30);
      expect(r.curveStd[29]).toBeCloseTo(r.testStd, 9);
    }
  });

  it('counts the queries to reach a target, checked against a replay of each trial', async () => {
    // target 0.1 %: every trial reaches it at its first query
    const low = JSON.parse((await run({ strategies: ['random'], target: 0.1 })).text).results.random.toReach;
    expect(low).toEqual({ target: 0.1, reached: 4, mean: 1, std: 0 });
    // target above the best cell (94.37 %): never reached
    const high = JSON.parse((await run({ strategies: ['random'], target: 99 })).text).results.random.toReach;
    expect(high.reached).toBe(0);
    // a middle target: the query count is the first point of each trial's curve at or above it; with
    // one trial the curve is that trial's, so the count is read off the curve
    const one = JSON.parse((await run({ strategies: ['rea'], trials: 1, target: 93 })).text).results.rea;
    const first = one.curve.findIndex((v: number) => v >= 93) + 1;
    expect(one.toReach).toMatchObject(first > 0 ? { reached: 1, mean: first } : { reached: 0 });
  });

  it('prints a table', async () => {
    const { code, text } = await run({ json: false, strategies: ['random'], trials: 2, budget: 10 });
    expect(code).toBe(0);
    expect(text).toMatch(/random\s+\d+\.\d\d ± \d+\.\d\d/);
  });

  it('refuses unknown strategies and bad numbers with exit code 2', async () => {
    expect(await run({ strategies: ['random', 'hill'] })).toMatchObject({ code: 2, text: expect.stringMatching(/unknown strategies: hill/) });
    expect(await run({ trials: 0 })).toMatchObject({ code: 2, text: expect.stringMatching(/--trials/) });
    expect(await run({ dataset: 'mnist' as 'cifar10' })).toMatchObject({ code: 2 });
  });
});
