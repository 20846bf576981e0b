import { describe, expect, it } from 'vitest';
import { runPredictorsCommand, type PredictorsArgs } from '../../../src-main/cli/commands/predictors';
import { loadNb201 } from '../../../src-main/engine/benchmarks/nb201';
import { kendallTau } from '../../../src-main/engine/diagnostics/kendall';
import { GpPredictor } from '../../../src-main/engine/search/blackbox/predictors/gp';
import { archFeatures } from '../../../src-main/engine/search/blackbox/predictors/features';
import { Rng } from '../../../src-shared/model/rng';

const base: PredictorsArgs = { space: 'nb201', dataset: 'cifar10', trainSizes: '10,30', seeds: '1', testSize: '100', predictors: 'gp', pretrainCells: '10', pretrainEpochs: '1', json: true };

async function run(args: Partial<PredictorsArgs>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runPredictorsCommand({ ...base, ...args }, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
}

describe('predictors command', () => {
  it("reports the GP's τ at each train size as a fit on the seed's split gives it", async () => {
    const { code, text } = await run({});
    expect(code).toBe(0);
    const { rows } = JSON.parse(text);
    expect(rows.map((r: { trainSize: number }) => r.trainSize)).toEqual([10, 30]);
    // the split, replayed: seed 0 shuffles every cell; 100 held out, then the training cells
    const table = loadNb201('resources/nb201', 'cifar10');
    const order = new Rng(0).shuffle(Array.from({ length: table.cells.size }, (_, i) => i));
    const held = order.slice(0, 100);
    const train = order.slice(100, 130);
    const gp = new GpPredictor(archFeatures(table.cells, 'path'));
    gp.fit(train, train.map((c) => table.val[c]));
    expect(rows[1].kendall.mean).toBeCloseTo(kendallTau(gp.predict(held).mean, held.map((c) => table.val[c])), 12);
  });

  it('prints a table, arch2vec with and without pretraining', async () => {
    const { code, text } = await run({ json: false, predictors: 'arch2vec-frozen', trainSizes: '10' });
    expect(code).toBe(0);
    expect(text).toMatch(/arch2vec frozen \+ Bayesian linear\s+10\s+-?\d\.\d{3} ± /);
    expect(text).toMatch(/\(no pretraining\)/);
  });

  it('refuses bad arguments with exit code 2 and says what is wrong', async () => {
    expect(await run({ predictors: 'gp,svm' })).toMatchObject({ code: 2, text: expect.stringMatching(/unknown predictors: svm/) });
    expect(await run({ trainSizes: '10,x' })).toMatchObject({ code: 2, text: expect.stringMatching(/--train-sizes/) });
    expect(await run({ space: 'darts' })).toMatchObject({ code: 2, text: expect.stringMatching(/benchmark table/) });
    expect(await run({ testSize: '15620' })).toMatchObject({ code: 2, text: expect.stringMatching(/exceed/) });
  });
});
