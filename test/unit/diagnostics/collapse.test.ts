import { describe, expect, it } from 'vitest';
import { CollapseWatch, detectCollapse, normalCellInputs, normalCellParameterFree, type EpochSignals } from '../../../src-shared/model/collapse';
import type { DartsGenotype } from '../../../src-shared/model/genotype';

/** A 2-node DARTS cell (the quick preset's), its normal cell's four inputs given; the reduce cell is irrelevant. */
const twoNode = (normal: [string, number][]): DartsGenotype => ({
  space: 'darts',
  normal,
  normal_concat: [2, 3],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 2]],
  reduce_concat: [2, 3],
});

/** The published DARTS (second order) cell, from DARTS's genotypes.py: 2 skip connections of 8 inputs. */
const DARTS_V2: DartsGenotype = {
  space: 'darts',
  normal: [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['sep_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 0], ['dil_conv_3x3', 2]],
  normal_concat: [2, 3, 4, 5],
  reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['skip_connect', 2], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['skip_connect', 2], ['skip_connect', 2], ['max_pool_3x3', 1]],
  reduce_concat: [2, 3, 4, 5],
};

describe('parameter-free ops of the normal cell', () => {
  it('counts skip connections and pooling of the normal cell only, per node input', () => {
    expect(normalCellParameterFree(DARTS_V2)).toEqual({ count: 2, inputs: 8 });
    expect(normalCellParameterFree(twoNode([['skip_connect', 0], ['avg_pool_3x3', 1], ['max_pool_3x3', 2], ['sep_conv_3x3', 0]]))).toEqual({ count: 3, inputs: 4 });
  });

  it('reads a NAS-Bench-201 arch string edge by edge, not counting none', () => {
    const arch = '|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_3x3~0|skip_connect~1|none~2|';
    expect(normalCellParameterFree({ space: 'nb201', arch })).toEqual({ count: 3, inputs: 6 });
  });

  it('knows the normal cell size of a space from its config', () => {
    expect(normalCellInputs({ kind: 'darts', nodes: 2 })).toBe(4);
    expect(normalCellInputs({ kind: 'darts', nodes: 4 })).toBe(8);
    expect(normalCellInputs({ kind: 'nb201' })).toBe(6);
  });
});

describe('collapse warning from the cell', () => {
  // Epochs 1–3 of a 2-node search: one skip, then still one, then two of the four inputs.
  const history: EpochSignals[] = [
    [['sep_conv_3x3', 0], ['skip_connect', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 2]],
    [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 2]],
    [['skip_connect', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 2]],
    [['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 0], ['sep_conv_3x3', 2]],
  ].map((normal, i) => ({ epoch: i + 1, parameterFree: normalCellParameterFree(twoNode(normal as [string, number][])) }));

  it('fires at the first epoch where half the inputs are parameter-free (2 of 4 at epoch 3)', () => {
    const warning = detectCollapse(history);
    expect(warning).toMatchObject({ epoch: 3, cause: 'parameter-free' });
    expect(warning?.reason).toContain('2 of the normal cell\'s 4 inputs');
  });

  it('takes a stricter threshold from its criteria (3 of 4 first at epoch 4)', () => {
    expect(detectCollapse(history, { parameterFreeShare: 0.75 })).toMatchObject({ epoch: 4 });
    expect(detectCollapse(history, { parameterFreeShare: 1 })).toBeNull();
  });

  it('does not fire on the published DARTS cell (2 of 8)', () => {
    expect(detectCollapse([{ epoch: 1, parameterFree: normalCellParameterFree(DARTS_V2) }])).toBeNull();
  });

  it('reports once: later epochs return nothing, the warning stays', () => {
    const watch = new CollapseWatch();
    const fired = history.map((s) => watch.observe(s));
    expect(fired.map((w) => w?.epoch ?? null)).toEqual([null, null, 3, null]);
    expect(watch.warning?.epoch).toBe(3);
  });

  it('a watch restored from its saved state does not fire again', () => {
    const first = new CollapseWatch();
    history.slice(0, 3).forEach((s) => first.observe(s));
    const second = new CollapseWatch();
    second.loadState(JSON.parse(JSON.stringify(first.saveState())));
    expect(second.observe(history[3])).toBeNull();
    expect(second.warning?.epoch).toBe(3);
  });
});

describe('collapse warning from the Hessian eigenvalue (DARTS-ES ratio)', () => {
  // A RobustDARTS-shaped trace, one eigenvalue per epoch. Trailing means of 3, by hand:
  // 0.1, 0.105, 0.10333, 0.11, 0.11667, 0.13333, 0.15667; ratios two measurements apart:
  // epoch 5 / 3: 0.11667 / 0.10333 = 1.129, 6 / 4: 0.13333 / 0.11 = 1.212, 7 / 5: 0.15667 / 0.11667 = 1.343 > 1.3.
  const trace = [0.1, 0.11, 0.1, 0.12, 0.13, 0.15, 0.19, 0.25];
  const criteria = { eigenvalue: { factor: 1.3, window: 3, delta: 2, startEpoch: 2 } };

  it('fires at the epoch whose local average first exceeds factor × the one delta measurements before', () => {
    const warning = detectCollapse(trace.map((value, i) => ({ epoch: i + 1, eigenvalue: value })), criteria);
    expect(warning).toMatchObject({ epoch: 7, cause: 'eigenvalue' });
    const before = (0.12 + 0.13 + 0.1) / 3;
    const now = (0.13 + 0.15 + 0.19) / 3;
    expect(warning?.reason).toContain(`×${(now / before).toFixed(2)}`);
    expect((now / before).toFixed(2)).toBe('1.34');
  });

  it('with the eigenvalue every other epoch the epoch is the measurement\'s, not its index', () => {
    const every2: EpochSignals[] = trace.flatMap((value, i) => [{ epoch: 2 * i + 1 }, { epoch: 2 * i + 2, eigenvalue: value }]);
    expect(detectCollapse(every2, { eigenvalue: { ...criteria.eigenvalue, startEpoch: 4 } })).toMatchObject({ epoch: 14, cause: 'eigenvalue' });
  });

  it('the authors\' start epoch 20 holds back a short run; a flat trace never fires; missing or NaN values are skipped', () => {
    expect(detectCollapse(trace.map((value, i) => ({ epoch: i + 1, eigenvalue: value })))).toBeNull();
    expect(detectCollapse(Array.from({ length: 40 }, (_, i) => ({ epoch: i + 1, eigenvalue: 0.2 })))).toBeNull();
    const withGaps = trace.map((value, i) => ({ epoch: i + 1, eigenvalue: i === 2 ? Number.NaN : value }));
    // Without epoch 3's value, the averages of 3 run 0.1, 0.105, 0.11, 0.12, 0.13333, 0.15667 at epochs 1,2,4,5,6,7:
    // epoch 5 / 2 = 1.143, 6 / 4 = 1.212, 7 / 5 = 1.306: still epoch 7.
    expect(detectCollapse(withGaps, criteria)).toMatchObject({ epoch: 7 });
  });
});
