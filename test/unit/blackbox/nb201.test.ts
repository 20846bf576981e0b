import { describe, expect, it } from 'vitest';
import { loadNb201, parseNb201 } from '../../../src-main/engine/benchmarks/nb201';
import { TabularEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/tabular-evaluator';
import { nb201Table } from '../../fixtures/published';

const source = () => nb201Table('cifar10');

describe('NAS-Bench-201 tables', () => {
  it('loads the committed copies of all three datasets', () => {
    for (const dataset of ['cifar10', 'cifar100', 'imagenet16-120'] as const) {
      const t = loadNb201('resources/nb201', dataset);
      expect(t.val.length).toBe(15625);
      expect(t.val.every(Number.isFinite) && t.test.every(Number.isFinite)).toBe(true);
    }
  });

  it('puts each row at the index of its arch string and evaluates it by lookup', async () => {
    const raw = source();
    const t = parseNb201(raw, 'cifar10', 'source');
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
    const row = raw[arch];
    const i = t.cells.fromArchString(arch);
    expect([t.val[i], t.test[i]]).toEqual([row.val_acc_200, row.test_acc_200]);
    const evaluation = await new TabularEvaluator('nb201', t).evaluate({ space: 'nb201', arch });
    expect(evaluation).toEqual({ metric: row.val_acc_200, test: row.test_acc_200, cost: 1 });
    // the best test accuracy is rank 1 in the source
    const best = Object.values(raw).reduce((a, b) => (b.test_acc_200 > a.test_acc_200 ? b : a));
    expect(best.rank).toBe(1);
  });

  it('refuses a damaged or wrong table with a message saying what is wrong', () => {
    const missing = source();
    delete missing[Object.keys(missing)[0]];
    expect(() => parseNb201(missing, 'cifar10', 'f')).toThrow(/15624 cells, NAS-Bench-201 has 15625/);
    const altered = source();
    const first = Object.keys(altered)[0];
    altered[first] = { ...altered[first], test_acc_200: 99 };
    expect(() => parseNb201(altered, 'cifar10', 'f')).toThrow(/bestTest is 99, NAS-Bench-201 gives 94.37/);
    expect(() => parseNb201(source(), 'cifar100', 'f')).toThrow(/cifar100 bestTest/);
    const foreign = { ...source(), '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|': { val_acc_200: 1, test_acc_200: 1 } };
    expect(() => parseNb201(foreign, 'cifar10', 'f')).toThrow(/unknown op "conv"/);
    expect(() => loadNb201('resources/no-such-folder', 'cifar10')).toThrow(/copy-nb201/);
  });
});
