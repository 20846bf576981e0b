import { describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import { PYTORCH_EVAL_PARAMS, publishedDartsCell } from '../../fixtures/published';
import { countNetworkCifarParams, opParams } from '../../../src-shared/model/param-count';

const cell = publishedDartsCell;

// Counted with a PyTorch build of DARTS's NetworkCIFAR (C=36, 20 cells, no auxiliary head): test/fixtures/PROVENANCE.md.
const PYTORCH_COUNTS: [string, number][] = Object.entries(PYTORCH_EVAL_PARAMS);

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
    // Evaluation-only ops of DARTS's operations.py: SepConv 7×7 2 × (36·49 + 36·36 + 72); conv_7x1_1x7 2 × 7·36·36 + 72.
    expect(opParams('sep_conv_7x7', 36, 1)).toBe(6264);
    expect(opParams('conv_7x1_1x7', 36, 2)).toBe(18_216);
    expect(() => opParams('sep_conv_9x9', 36, 1)).toThrow(/no parameter count for op 'sep_conv_9x9'/);
  });

  it('splits the total into stem, cells and classifier', () => {
    const c = countNetworkCifarParams(cell('DARTS_V2'));
    expect(c.cells).toHaveLength(20);
    expect(c.stem).toBe(3 * 108 * 9 + 2 * 108);
    expect(c.classifier).toBe(4 * 144 * 10 + 10);
    expect(c.stem + c.cells.reduce((s, p) => s + p, 0) + c.classifier).toBe(c.total);
  });
});
