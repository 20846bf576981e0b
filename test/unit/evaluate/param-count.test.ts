import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import { countNetworkCifarParams, opParams } from '../../../src-shared/model/param-count';

const published = JSON.parse(readFileSync(resolve(__dirname, '../../../../shared/data/darts_genotypes.json'), 'utf8')) as {
  genotypes: Record<string, Omit<DartsGenotype, 'space'>>;
};
const cell = (name: string): DartsGenotype => {
  const c = published.genotypes[name];
  if (!c) throw new Error(`${name} is not in darts_genotypes.json`);
  return { space: 'darts', normal: c.normal, normal_concat: c.normal_concat, reduce: c.reduce, reduce_concat: c.reduce_concat };
};

// ../shared/data/README.md, counted with a PyTorch build of DARTS's NetworkCIFAR (C=36, 20 cells, no auxiliary head).
const PYTORCH_COUNTS: [string, number][] = [
  ['DARTS_V1', 3_169_414],
  ['DARTS_V2', 3_349_342],
  ['PC-DARTS (cifar)', 3_634_678],
  ['P-DARTS', 3_433_798],
  ['DrNAS (cifar10)', 4_099_294],
  ['SNAS_mild', 2_661_382],
  ['SNAS_moderate', 2_847_358],
  ['SNAS_aggressive', 2_313_622],
];

describe('NetworkCIFAR parameter count', () => {
  it.each(PYTORCH_COUNTS)('%s has %i parameters, as PyTorch counts them', (name, expected) => {
    expect(countNetworkCifarParams(cell(name)).total).toBe(expected);
  });

  it('counts single ops as worked by hand (C = 36)', () => {
    // SepConv: 2 × (depthwise 36·9 + pointwise 36·36 + BN 2·36) = 2 × 1692
    expect(opParams('sep_conv_3x3', 36, 1)).toBe(3384);
    // DilConv 5×5: 36·25 + 36·36 + 72
    expect(opParams('dil_conv_5x5', 36, 2)).toBe(2268);
    // skip_connect at stride 2 is FactorizedReduce: 2 × 36·18 + 72
    expect(opParams('skip_connect', 36, 2)).toBe(1368);
    expect(opParams('skip_connect', 36, 1)).toBe(0);
    expect(opParams('max_pool_3x3', 36, 2)).toBe(0);
    expect(() => opParams('sep_conv_7x7', 36, 1)).toThrow(/no parameter count for op 'sep_conv_7x7'/);
  });

  it('splits the total into stem, cells and classifier', () => {
    const c = countNetworkCifarParams(cell('DARTS_V2'));
    expect(c.cells).toHaveLength(20);
    expect(c.stem).toBe(3 * 108 * 9 + 2 * 108);
    expect(c.classifier).toBe(4 * 144 * 10 + 10);
    expect(c.stem + c.cells.reduce((s, p) => s + p, 0) + c.classifier).toBe(c.total);
  });
});
