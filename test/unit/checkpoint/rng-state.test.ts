import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';

describe('Rng state', () => {
  it('a generator set to a saved state draws what the saved one draws next, the spare normal included', () => {
    const a = new Rng(77);
    for (let i = 0; i < 1000; i++) a.uint32(); // words that went through the XOR step (held signed)
    a.normal(); // leaves a spare normal behind
    const saved = JSON.parse(JSON.stringify(a.getState()));
    expect(saved.spareNormal).not.toBeNull();
    const b = new Rng(77);
    b.setState(saved);
    const draws = (r: Rng) => [r.normal(), r.normal(), r.uint32(), r.next(), r.gumbel(), r.int(1000)];
    expect(draws(b)).toEqual(draws(a));
  });

  it('refuses a state of another seed or with malformed words', () => {
    const state = new Rng(1).getState();
    expect(() => new Rng(2).setState(state)).toThrow('the saved random state belongs to seed 1, this generator has seed 2');
    expect(() => new Rng(1).setState({ ...state, words: [1, 2, 3] as unknown as [number, number, number, number] })).toThrow(/four unsigned 32-bit words/);
    expect(() => new Rng(1).setState({ ...state, words: [1, 2, 3, -4] })).toThrow(/four unsigned 32-bit words/);
  });
});
