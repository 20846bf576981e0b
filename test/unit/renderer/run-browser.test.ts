import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  filtersOf, formatParams, formatSpread, nextSort, parseTags, queryFromState, stateFromQuery,
} from '../../../src-renderer/lib/run-browser';
import { formatCount, formatSeconds } from '../../../src-renderer/lib/format';

describe('the run browser state in the URL', () => {
  it('reads defaults from an empty query and writes them back as an empty query', () => {
    const s = stateFromQuery({});
    expect(s).toEqual({ view: 'runs', sort: 'id', direction: 'desc', page: 0, pageSize: 50,
      algorithm: undefined, status: undefined, space: undefined, dataset: undefined, tag: undefined, search: undefined });
    expect(queryFromState(s)).toEqual({});
  });

  it('round-trips every field', () => {
    const q = { view: 'groups', sort: 'bestValAcc', dir: 'asc', algorithm: 'darts', status: 'failed', space: 'nb201', dataset: 'cifar10', tag: 'keep', q: 'warm up', page: '3', size: '100' };
    const s = stateFromQuery(q);
    expect(s).toMatchObject({ view: 'groups', sort: 'bestValAcc', direction: 'asc', status: 'failed', search: 'warm up', page: 2, pageSize: 100 });
    expect(queryFromState(s)).toEqual(q);
    expect(filtersOf(s, 4)).toEqual({ experimentId: 4, algorithm: 'darts', status: 'failed', space: 'nb201', dataset: 'cifar10', tag: 'keep', search: 'warm up' });
    expect(filtersOf(stateFromQuery({}), null)).toEqual({});
  });

  it('falls back to the default for anything malformed', () => {
    const s = stateFromQuery({ sort: 'DROP TABLE', dir: 'sideways', status: 'done', page: '-2', size: '7', view: 'pie', q: '   ' });
    expect(s).toMatchObject({ sort: 'id', direction: 'desc', status: undefined, page: 0, pageSize: 50, view: 'runs', search: undefined });
  });

  it('sorts a new numeric column best first, a text column A to Z, and flips on a second click', () => {
    const s = stateFromQuery({});
    expect(nextSort(s, 'bestValAcc')).toEqual({ sort: 'bestValAcc', direction: 'desc' });
    expect(nextSort(s, 'name')).toEqual({ sort: 'name', direction: 'asc' });
    expect(nextSort(s, 'id')).toEqual({ sort: 'id', direction: 'asc' });
    expect(nextSort({ ...s, sort: 'name', direction: 'asc' }, 'name')).toEqual({ sort: 'name', direction: 'desc' });
  });
});

describe('the run browser formats', () => {
  it('writes mean ± std with n, and a single value without ±', () => {
    expect(formatSpread({ n: 3, mean: 93, std: Math.sqrt(13) })).toBe('93.00 ± 3.61 (n=3)');
    expect(formatSpread({ n: 1, mean: 99, std: null })).toBe('99.00 (n=1)');
    expect(formatSpread({ n: 0, mean: null, std: null })).toBe('—');
  });

  it('writes parameters, durations and tags', () => {
    expect([formatParams(3_349_342), formatParams(45_600), formatParams(12), formatParams(null)]).toEqual(['3.35 M', '45.6 k', '12', '—']);
    expect([formatSeconds(3725), formatSeconds(65), formatSeconds(4.4), formatSeconds(null)]).toEqual(['1 h 02 min', '1 min 05 s', '4 s', '—']);
    expect(parseTags(' a, b,, a ,c ')).toEqual(['a', 'b', 'c']);
  });
});

describe('formatCount', () => {
  it('groups thousands as Intl.NumberFormat("en") does, for any integer', () => {
    const intl = new Intl.NumberFormat('en', { maximumFractionDigits: 20 });
    fc.assert(fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => formatCount(n) === intl.format(n)));
    expect([formatCount(0), formatCount(999), formatCount(1000), formatCount(10_000), formatCount(-1234567), formatCount(1234.5)]).toEqual(['0', '999', '1,000', '10,000', '-1,234,567', '1,234.5']);
  });
});

