import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenotypeFormatError, MAX_GENOTYPE_TEXT_CHARS, parseGenotype } from '../../../src-shared/model/genotype-codec';
import { MAX_NESTING, MAX_PYTHON_TEXT_CHARS, MAX_RANGE_LENGTH, parsePythonCall, PythonSyntaxError, type PyValue } from '../../../src-shared/model/python-literal';
import { FUZZ_SEED } from './requests';

/** Python's range, written out independently of the parser: start, start+step, … strictly before stop. */
function pythonRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = start + i * step;
    if (step > 0 ? v >= stop : v <= stop) return out;
    out.push(v);
  }
}

const ints = (v: PyValue): number[] => (v.kind === 'list' ? v.items.map((i) => (i.kind === 'int' ? i.value : NaN)) : []);

describe('the genotype parser limits', () => {
  it(`reads range() exactly as Python does up to ${MAX_RANGE_LENGTH} values and refuses longer ones`, () => {
    const bound = fc.integer({ min: -5000, max: 5000 });
    const step = fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: -7, max: -1 }));
    fc.assert(
      fc.property(bound, bound, step, (start, stop, s) => {
        const expected = pythonRange(start, stop, s);
        const call = (): PyValue => parsePythonCall(`G(x=range(${start}, ${stop}, ${s}))`).keywords[0].value;
        if (expected.length <= MAX_RANGE_LENGTH) expect(ints(call())).toEqual(expected);
        else expect(call).toThrow(new RegExp(`has ${expected.length} values; at most ${MAX_RANGE_LENGTH}`));
      }),
      { seed: FUZZ_SEED, numRuns: 1000 },
    );
  });

  it('refuses range(2, 99999999) at once, and integers past 2^53', () => {
    const started = Date.now();
    expect(() => parsePythonCall('G(x=range(2, 99999999))')).toThrow(PythonSyntaxError);
    expect(Date.now() - started).toBeLessThan(100);
    expect(() => parsePythonCall('G(x=[9007199254740993])')).toThrow(/integer 9007199254740993 .* is too large/);
    expect(ints(parsePythonCall('G(x=[9007199254740991])').keywords[0].value)).toEqual([9007199254740991]);
  });

  it(`reads lists nested ${MAX_NESTING} deep and refuses deeper ones without overflowing the stack`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(40_000)), fc.constantFrom('[', '('), (depth, open) => {
        const close = open === '[' ? ']' : ')';
        const call = (): unknown => parsePythonCall(`G(x=${open.repeat(depth)}${close.repeat(depth)})`);
        if (depth <= MAX_NESTING) expect(call).not.toThrow();
        else expect(call).toThrow(new RegExp(`nest deeper than ${MAX_NESTING} levels`));
      }),
      { seed: FUZZ_SEED + 1, numRuns: 200 },
    );
  });

  it('refuses text over the length limits', () => {
    expect(() => parsePythonCall(`G(x=[${'1,'.repeat(MAX_PYTHON_TEXT_CHARS / 2)}])`)).toThrow(/characters; at most 100000 are read/);
    expect(() => parseGenotype(' '.repeat(MAX_GENOTYPE_TEXT_CHARS + 1))).toThrow(GenotypeFormatError);
  });

  it('answers any text with a genotype or a GenotypeFormatError, nothing else', () => {
    const token = fc.constantFrom('Genotype', '(', ')', '[', ']', ',', '=', 'normal', 'normal_concat', 'reduce', 'reduce_concat', "'sep_conv_3x3'", "'skip_connect'", '0', '1', '2', '-1', 'range', 'list', '99999999999', '"', "'", '#', '\n', '|', '~', '{', '}', ' ');
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.array(token, { maxLength: 120 }).map((t) => t.join('')), fc.array(token, { maxLength: 60 }).map((t) => `Genotype(${t.join('')})`));
    fc.assert(
      fc.property(text, (t) => {
        try {
          parseGenotype(t);
        } catch (error) {
          expect(error).toBeInstanceOf(GenotypeFormatError);
        }
      }),
      { seed: FUZZ_SEED + 2, numRuns: 3000 },
    );
  });
});
