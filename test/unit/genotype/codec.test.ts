import { describe, expect, it } from 'vitest';
import type { DartsGenotype } from '../../../src-shared/model/genotype';
import {
  formatDartsPython,
  formatGenotypeJson,
  genotypeKey,
  parseGenotype,
} from '../../../src-shared/model/genotype-codec';
import { PUBLISHED_DARTS_NAMES, publishedDartsCell } from '../../fixtures/published';

const cells = PUBLISHED_DARTS_NAMES.map((name): [string, DartsGenotype] => [name, publishedDartsCell(name)]);

// As written in quark0/darts cnn/genotypes.py.
const DARTS_V2_SOURCE =
  "DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";

describe('genotype codec: DARTS cells', () => {
  it('has the published cells to test with', () => {
    expect(cells.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cells)('%s round-trips through JSON and both Python styles', (_name, g) => {
    const json = formatGenotypeJson(g);
    expect(parseGenotype(json)).toEqual(g);
    expect(JSON.parse(json)).toEqual(g);
    for (const concat of ['range', 'list'] as const) {
      const py = formatDartsPython(g, { concat });
      expect(parseGenotype(py)).toEqual(g);
    }
  });

  it('writes Python as DARTS prints its genotype, and reads the genotypes.py constant', () => {
    const g = parseGenotype(DARTS_V2_SOURCE) as DartsGenotype;
    expect(g).toEqual(cells.find(([n]) => n === 'DARTS_V2')![1]);
    expect(formatDartsPython(g, { concat: 'list' })).toBe(DARTS_V2_SOURCE.replace('DARTS_V2 = ', ''));
    expect(formatDartsPython(g)).toMatch(/^Genotype\(normal=\[\('sep_conv_3x3', 0\), .*\], normal_concat=range\(2, 6\), reduce=\[.*\], reduce_concat=range\(2, 6\)\)$/);
    expect(formatGenotypeJson(g)).toMatch(/^\{"space":"darts","normal":\[\["sep_conv_3x3",0\],\["sep_conv_3x3",1\],.*"normal_concat":\[2,3,4,5\],"reduce":/);
  });

  it('reads multi-line Python with double quotes, comments, trailing commas, positional fields and list(range(...))', () => {
    const text = `
      genotypes.Genotype(
        [ ("sep_conv_3x3", 0), ('sep_conv_3x3', 1),  # node 0
          ("skip_connect", 0), ("dil_conv_5x5", 2), ],
        range(2, 4),
        reduce = [("max_pool_3x3", 0), ("max_pool_3x3", 1),
                  ("skip_connect", 2), ("avg_pool_3x3", 1)],
        reduce_concat = list(range(2, 4)),
      )`;
    expect(parseGenotype(text)).toEqual({
      space: 'darts',
      normal: [
        ['sep_conv_3x3', 0],
        ['sep_conv_3x3', 1],
        ['skip_connect', 0],
        ['dil_conv_5x5', 2],
      ],
      normal_concat: [2, 3],
      reduce: [
        ['max_pool_3x3', 0],
        ['max_pool_3x3', 1],
        ['skip_connect', 2],
        ['avg_pool_3x3', 1],
      ],
      reduce_concat: [2, 3],
    });
  });

  it('gives one key for cells that differ only in the order of a node\'s two edges', () => {
    const g = cells[0][1];
    const swapped: DartsGenotype = { ...g, normal: [g.normal[1], g.normal[0], ...g.normal.slice(2)] };
    expect(genotypeKey(swapped)).toBe(genotypeKey(g));
    expect(formatGenotypeJson(swapped)).not.toBe(formatGenotypeJson(g));
    const other: DartsGenotype = { ...g, normal: [['dil_conv_5x5', g.normal[0][1]], ...g.normal.slice(1)] };
    expect(genotypeKey(other)).not.toBe(genotypeKey(g));
  });
});

describe('genotype codec: NB201', () => {
  const arches = [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
    '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|',
  ];
  it.each(arches)('%s round-trips as an arch string and as JSON', (arch) => {
    const g = parseGenotype(`  ${arch}\n`);
    expect(g).toEqual({ space: 'nb201', arch });
    const json = formatGenotypeJson(g);
    expect(json).toBe(`{"space":"nb201","arch":"${arch}"}`);
    expect(parseGenotype(json)).toEqual(g);
    expect(genotypeKey(g)).toBe(json);
  });

  it('names what is wrong in an arch string', () => {
    expect(() => parseGenotype('|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')).toThrow(/node 2 of the NB201 arch string: expected 2 edges/);
    expect(() => parseGenotype('|conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')).toThrow(/node 1 .*unknown op 'conv_3x3'; NB201 ops are none, skip_connect/);
    expect(() => parseGenotype('|nor_conv_3x3~0|+|nor_conv_3x3~1|avg_pool_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')).toThrow(/node 2 .*should read input 0/);
    expect(() => parseGenotype('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|')).toThrow(/found 2 node groups/);
  });
});

describe('genotype codec: errors say what and where', () => {
  const v2 = formatDartsPython(cells.find(([n]) => n === 'DARTS_V2')![1]);
  const json = JSON.parse(formatGenotypeJson(cells[0][1])) as Record<string, unknown>;
  const cases: [string, string, RegExp][] = [
    ['empty', '   ', /empty/],
    ['not a genotype', 'hello world', /unrecognised genotype text/],
    ['python: one-element tuple', v2.replace("('sep_conv_3x3', 1)", "('sep_conv_3x3',)"), /edge 1 of 'normal' \(node 0\): expected \('op', input\), got \('sep_conv_3x3',\) \(line 1, column \d+\)/],
    ['python: swapped pair', v2.replace("('dil_conv_3x3', 2)", "(2, 'dil_conv_3x3')"), /edge 7 of 'normal' \(node 3\): expected \('op', input\), got \(2, 'dil_conv_3x3'\)/],
    ['python: unknown op', v2.replace("('dil_conv_3x3', 2)", "('sep_conv_9x9', 2)"), /edge 7 of 'normal' \(node 3\): unknown op 'sep_conv_9x9'; DARTS-space ops are none, max_pool_3x3, .*, sep_conv_7x7, conv_7x1_1x7$/],
    ['python: input of a later node', v2.replace("('sep_conv_3x3', 1), ('skip_connect', 0)", "('sep_conv_3x3', 1), ('skip_connect', 4)"), /edge 5 of 'normal' \(node 2\): input 4 does not exist; node 2 reads 0..3 \(0 and 1 are the two previous cells/],
    ['python: odd number of edges', v2.replace(", ('dil_conv_3x3', 2)]", ']'), /'normal' has 7 edges; a DARTS cell lists two \('op', input\) per intermediate node/],
    ['python: unclosed string', "Genotype(normal=[('sep_conv_3x3, 0)])", /string opened with ' at line 1, column 19 is never closed/],
    ['python: missing bracket', v2.replace('], normal_concat', ' normal_concat'), /expected ',' or '\]' at line 1, column \d+, found 'normal_concat'/],
    ['python: missing field', "Genotype(normal=[('skip_connect', 0), ('skip_connect', 1)], normal_concat=[2])", /missing 'reduce', 'reduce_concat'/],
    ['python: unknown field', v2.replace('reduce_concat=', 'reduce_cat='), /unknown field 'reduce_cat'/],
    ['python: concat out of range', v2.replace('normal_concat=range(2, 6)', 'normal_concat=range(2, 7)'), /'normal_concat' = \[2, 3, 4, 5, 6\]: 6 is not a state of this cell \(0..5\)/],
    ['python: wrong constructor', v2.replace('Genotype(', 'Cell('), /expected Genotype\(\.\.\.\), found Cell/],
    ['python: text after the call', `${v2} extra`, /expected the end of the text after the closing parenthesis at line 1, column \d+, found 'extra'/],
    ['json: syntax', '{"space":"darts",', /genotype JSON does not parse/],
    ['json: unknown key', JSON.stringify({ ...json, source: 'x' }), /unexpected key "source" for space "darts"/],
    ['json: bad pair', JSON.stringify({ ...json, reduce: [['max_pool_3x3', 0], 'max_pool_3x3', ...(json.reduce as unknown[]).slice(2)] }), /edge 1 of 'reduce' \(node 0\): expected \["op", input\], got "max_pool_3x3"/],
    ['json: duplicate concat', JSON.stringify({ ...json, reduce_concat: [2, 2, 3] }), /'reduce_concat' = \[2,2,3\]: state 2 is listed twice/],
    ['json: unknown space', JSON.stringify({ space: 'nasbench101', arch: 'x' }), /unknown space "nasbench101"/],
  ];
  it.each(cases)('%s', (_name, text, pattern) => {
    expect(() => parseGenotype(text)).toThrow(pattern);
  });

  it('validates genotypes given as objects before writing them', () => {
    const bad: DartsGenotype = { ...cells[0][1], normal: [['sep_conv_3x3', 2], ...cells[0][1].normal.slice(1)] };
    expect(() => formatGenotypeJson(bad)).toThrow(/edge 0 of 'normal' \(node 0\): input 2 does not exist; node 0 reads 0..1/);
    expect(() => formatDartsPython(bad)).toThrow(/input 2 does not exist/);
  });
});
