import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { DARTS_OPS } from '../../../src-shared/model/space';
import { buildConfig, defaultValues, formFor, spaceFromQuery, visibleFields } from '../../../src-renderer/forms/run-forms';
import { applyRobustPreset, checkDraft, defaultDartsDraft, defaultNb201Draft, reductionPositions, summarize, toggleOp } from '../../../src-renderer/lib/space-draft';

describe('search-space drafts', () => {
  it('the default DARTS draft is the schema default space: 14 edges, 8 cells, reductions at cells 2 and 5', () => {
    const { space, problems } = checkDraft(defaultDartsDraft());
    expect(problems).toEqual([]);
    const s = summarize(space!);
    expect(s.edgesPerCell).toBe(14);
    expect(s.mixedEdges).toBe(14 * 8);
    expect(s.alphaCount).toBe(2 * 14 * 8);
    expect(s.reductionCells).toEqual([2, 5]);
    // DARTS's count: per cell prod over nodes of C(i+2, 2) · 7² (two inputs, a non-none op each) = 180 · 7^8, squared for two cell types.
    expect((180 * 7 ** 8) ** 2).toBeCloseTo(1.0767e18, -15);
    expect(s.cellChoices).toBe('1.08 × 10^18');
  });

  it('puts the reduction cells where DARTS does (layers//3, 2·layers//3), once when they coincide', () => {
    expect(reductionPositions(20)).toEqual([6, 13]);
    expect(reductionPositions(2)).toEqual([0, 1]);
    expect(reductionPositions(1)).toEqual([0]);
  });

  it('fills RobustDARTS S2 per edge and reports the schema problems live when the draft no longer fits', () => {
    const s2 = applyRobustPreset({ ...defaultDartsDraft(), layers: 2, channels: 4 }, 'S2');
    const ok = checkDraft(s2);
    expect(ok.space).toEqual(robustDartsSpace('S2', { layers: 2, channels: 4 }));
    expect(summarize(ok.space!).opsPerEdge).toBe(2);
    expect(checkDraft({ ...s2, nodes: 3 }).problems).toContain('edgeOps.normal has 14 edge lists, but a cell with 3 nodes has 9 edges');
    expect(checkDraft({ ...s2, channels: 5 }).problems.join(' ')).toMatch(/channels must be even/);
    expect(checkDraft({ ...s2, layers: '' }).space).toMatchObject({ layers: 8 });
  });

  it('ticking an op keeps vocabulary order and leaves the preset', () => {
    expect(toggleOp(['sep_conv_3x3', 'none'], 'max_pool_3x3', DARTS_OPS)).toEqual(['none', 'max_pool_3x3', 'sep_conv_3x3']);
    expect(checkDraft({ ...defaultDartsDraft(), ops: [] }).problems.length).toBeGreaterThan(0);
    expect(checkDraft({ ...defaultNb201Draft(), ops: ['nor_conv_3x3', 'skip_connect'] }).space).toMatchObject({ kind: 'nb201', ops: ['nor_conv_3x3', 'skip_connect'] });
  });
});

describe('New-run form with a carried space', () => {
  it('sends the whole space in place of the space.* fields, and the schema accepts it', () => {
    const form = formFor('darts');
    const space = robustDartsSpace('S1', { layers: 3, channels: 8 });
    expect(visibleFields(form, space).some((f) => f.path.startsWith('space.'))).toBe(false);
    const config = RunConfig.parse(buildConfig(form, { ...defaultValues(form), 'space.layers': '99' }, space));
    expect(config.algorithm === 'darts' && config.space).toEqual(space);
  });

  it('leaves black-box forms alone and reads the space from the address with a clear error', () => {
    const form = formFor('rea');
    expect(buildConfig(form, defaultValues(form), robustDartsSpace('S2'))).not.toHaveProperty('space');
    const { space } = spaceFromQuery(JSON.stringify(robustDartsSpace('S3')));
    expect(space?.kind).toBe('darts');
    expect(spaceFromQuery('{nope').error).toMatch(/not JSON/);
    expect(spaceFromQuery(JSON.stringify({ kind: 'darts', channels: 3 })).error).toMatch(/channels must be even/);
    expect(spaceFromQuery(undefined)).toEqual({ space: null, error: null });
  });
});
