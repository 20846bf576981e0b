import { describe, expect, it } from 'vitest';
import { groupMetricKeys, groupOfKey } from '../../../src-renderer/lib/metric-groups';

describe('metric key grouping', () => {
  it('puts the splits of one measure on one chart', () => {
    expect(groupOfKey('train.loss')).toBe('loss');
    expect(groupOfKey('valid.loss')).toBe('loss');
    expect(groupOfKey('test.acc')).toBe('acc');
    expect(groupOfKey('val.acc')).toBe('acc');
  });

  it('groups other families by everything but the last part', () => {
    expect(groupOfKey('alpha.entropy.normal')).toBe('alpha.entropy');
    expect(groupOfKey('alpha.entropy.reduce')).toBe('alpha.entropy');
    expect(groupOfKey('hessian.eigenvalue')).toBe('hessian');
    expect(groupOfKey('lr')).toBe('lr');
  });

  it('orders loss, then accuracy, then the rest by name, with sorted unique keys', () => {
    const groups = groupMetricKeys(['hessian.eigenvalue', 'valid.acc', 'train.acc', 'test.loss', 'train.loss', 'alpha.entropy.reduce', 'alpha.entropy.normal', 'train.loss']);
    expect(groups.map((g) => g.id)).toEqual(['loss', 'acc', 'alpha.entropy', 'hessian']);
    expect(groups[0]).toEqual({ id: 'loss', title: 'Loss', keys: ['test.loss', 'train.loss'] });
    expect(groups[1].keys).toEqual(['train.acc', 'valid.acc']);
    expect(groups[2]).toEqual({ id: 'alpha.entropy', title: 'Architecture entropy', keys: ['alpha.entropy.normal', 'alpha.entropy.reduce'] });
  });

  it('puts one figure of every few-shot sub-supernet on one chart, a line per op', () => {
    const groups = groupMetricKeys(['fewshot.skip_connect.valid.acc', 'fewshot.max_pool_3x3.valid.acc', 'fewshot.skip_connect.valid.loss', 'valid.acc']);
    expect(groups).toEqual([
      { id: 'acc', title: 'Accuracy', keys: ['valid.acc'] },
      { id: 'fewshot.valid.acc', title: 'Few-shot sub-supernets: valid.acc', keys: ['fewshot.max_pool_3x3.valid.acc', 'fewshot.skip_connect.valid.acc'] },
      { id: 'fewshot.valid.loss', title: 'Few-shot sub-supernets: valid.loss', keys: ['fewshot.skip_connect.valid.loss'] },
    ]);
  });

  it('titles an unknown family by its name', () => {
    expect(groupMetricKeys(['skip.count.normal'])).toEqual([{ id: 'skip.count', title: 'skip.count', keys: ['skip.count.normal'] }]);
  });
});
