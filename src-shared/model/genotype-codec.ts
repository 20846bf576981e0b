import type { DartsGenotype, Genotype, Nb201Genotype } from './genotype';
import { NB201_EDGES, nb201ArchString } from './genotype-derive';
import { type PyValue, PythonSyntaxError, parsePythonCall } from './python-literal';
import { DartsOp, NB201_OPS } from './space';

/**
 * Genotype text in three forms: our canonical JSON, NAS-Bench-201 arch strings, and DARTS's Python
 * `Genotype(...)`. Every reader validates op names against the space's vocabulary and inputs against
 * node indices, and says what is wrong and where.
 */

export class GenotypeFormatError extends Error {}

/** The longest pasted text read, as the contract's genotypes.import allows; real genotypes are ~1 kB. */
export const MAX_GENOTYPE_TEXT_CHARS = 100_000;

/**
 * Ops a DARTS-space genotype may name: the search vocabulary (RobustDARTS's `noise` included, so a
 * searched cell always reads back) plus the ops of DARTS's `operations.py` OPS that the search set
 * leaves out and published cells of other methods use (NASNet's and AmoebaNet's sep_conv_7x7 and
 * conv_7x1_1x7). The evaluation network builds every one of them but `noise`.
 */
export const DARTS_GENOTYPE_OPS: readonly string[] = [...DartsOp.options, 'sep_conv_7x7', 'conv_7x1_1x7'];
const CELLS = ['normal', 'reduce'] as const;
type Cell = (typeof CELLS)[number];

/** How a pair is written in the form being read, for messages. */
type Form = 'json' | 'python';
const PAIR_SHAPE: Record<Form, string> = { json: `["op", input]`, python: `('op', input)` };

/**
 * A raw pair list / concat from either form, with where each piece came from. `describe` gives the
 * found value as the user wrote it.
 */
interface RawItem {
  describe: string;
  op?: unknown;
  input?: unknown;
  pairLength?: number;
}

function checkCellEdges(cell: Cell, items: RawItem[], form: Form): [string, number][] {
  if (items.length === 0 || items.length % 2 !== 0) {
    throw new GenotypeFormatError(
      `'${cell}' has ${items.length} edges; a DARTS cell lists two ${PAIR_SHAPE[form]} per intermediate node, so an even number ≥ 2`,
    );
  }
  return items.map((item, edge) => {
    const where = `edge ${edge} of '${cell}' (node ${Math.floor(edge / 2)})`;
    if (item.pairLength !== 2 || typeof item.op !== 'string' || typeof item.input !== 'number') {
      throw new GenotypeFormatError(`${where}: expected ${PAIR_SHAPE[form]}, got ${item.describe}`);
    }
    if (!DARTS_GENOTYPE_OPS.includes(item.op)) {
      throw new GenotypeFormatError(`${where}: unknown op '${item.op}'; DARTS-space ops are ${DARTS_GENOTYPE_OPS.join(', ')}`);
    }
    const readable = Math.floor(edge / 2) + 2;
    if (!Number.isInteger(item.input) || item.input < 0 || item.input >= readable) {
      throw new GenotypeFormatError(
        `${where}: input ${item.input} does not exist; node ${Math.floor(edge / 2)} reads 0..${readable - 1} (0 and 1 are the two previous cells, 2.. the earlier nodes)`,
      );
    }
    return [item.op, item.input];
  });
}

function checkConcat(cell: Cell, values: unknown[], describe: string, nodes: number): number[] {
  const key = `${cell}_concat`;
  if (values.length === 0) throw new GenotypeFormatError(`'${key}' is empty; it lists the states the cell outputs, e.g. 2..${nodes + 1}`);
  const seen = new Set<number>();
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > nodes + 1) {
      throw new GenotypeFormatError(`'${key}' = ${describe}: ${String(v)} is not a state of this cell (0..${nodes + 1})`);
    }
    if (seen.has(v)) throw new GenotypeFormatError(`'${key}' = ${describe}: state ${v} is listed twice`);
    seen.add(v);
  }
  return values as number[];
}

function jsonItems(pairs: unknown[]): RawItem[] {
  return pairs.map((p) => ({
    describe: JSON.stringify(p),
    pairLength: Array.isArray(p) ? p.length : undefined,
    op: Array.isArray(p) ? p[0] : undefined,
    input: Array.isArray(p) ? p[1] : undefined,
  }));
}

/** Validates a DARTS genotype already in our object shape (e.g. built by code), with the same messages. */
export function validateDartsGenotype(g: DartsGenotype): DartsGenotype {
  return buildDarts(
    { normal: jsonItems(g.normal), reduce: jsonItems(g.reduce) },
    { normal: g.normal_concat, reduce: g.reduce_concat },
    'json',
  );
}

function buildDarts(edges: Record<Cell, RawItem[]>, concat: Record<Cell, unknown[]>, form: Form): DartsGenotype {
  const normal = checkCellEdges('normal', edges.normal, form);
  const reduce = checkCellEdges('reduce', edges.reduce, form);
  const describe = (values: unknown[]): string => (form === 'json' ? JSON.stringify(values) : `[${values.join(', ')}]`);
  return {
    space: 'darts',
    normal,
    normal_concat: checkConcat('normal', concat.normal, describe(concat.normal), normal.length / 2),
    reduce,
    reduce_concat: checkConcat('reduce', concat.reduce, describe(concat.reduce), reduce.length / 2),
  };
}

/** Validates an NB201 arch string: three nodes, node n with edges from 0..n-1 in order, known ops. */
export function parseNb201Arch(text: string): Nb201Genotype {
  const arch = text.trim();
  const shape = 'an NB201 arch string looks like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|';
  if (!arch.startsWith('|') || !arch.endsWith('|')) throw new GenotypeFormatError(`${shape}; '${arch}' does not start and end with '|'`);
  const nodes = arch.slice(1, -1).split('|+|');
  if (nodes.length !== 3) throw new GenotypeFormatError(`${shape}; found ${nodes.length} node groups separated by '|+|' instead of 3`);
  const ops: string[] = [];
  nodes.forEach((group, n) => {
    const edges = group.split('|');
    if (edges.length !== n + 1) {
      throw new GenotypeFormatError(`node ${n + 1} of the NB201 arch string: expected ${n + 1} edges, got '${group}'`);
    }
    edges.forEach((edge, input) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(edge);
      if (!m) throw new GenotypeFormatError(`node ${n + 1} of the NB201 arch string: '${edge}' is not op~input`);
      if (Number(m[2]) !== input) {
        throw new GenotypeFormatError(`node ${n + 1} of the NB201 arch string: edge '${edge}' should read input ${input} (edges are listed 0, 1, .. in order)`);
      }
      if (!(NB201_OPS as readonly string[]).includes(m[1])) {
        throw new GenotypeFormatError(`node ${n + 1} of the NB201 arch string: unknown op '${m[1]}'; NB201 ops are ${NB201_OPS.join(', ')}`);
      }
      ops.push(m[1]);
    });
  });
  if (ops.length !== NB201_EDGES.length) throw new GenotypeFormatError(shape);
  return { space: 'nb201', arch: nb201ArchString(ops) };
}

function parseJsonGenotype(text: string): Genotype {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new GenotypeFormatError(`genotype JSON does not parse: ${(cause as Error).message}`, { cause });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new GenotypeFormatError('genotype JSON must be an object');
  const obj = data as Record<string, unknown>;
  const space = obj.space ?? ('arch' in obj ? 'nb201' : 'darts');
  const allowed = space === 'nb201' ? ['space', 'arch'] : ['space', 'normal', 'normal_concat', 'reduce', 'reduce_concat'];
  if (space !== 'darts' && space !== 'nb201') throw new GenotypeFormatError(`genotype JSON: unknown space ${JSON.stringify(space)}; use "darts" or "nb201"`);
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new GenotypeFormatError(`genotype JSON: unexpected key "${key}" for space "${space}"; the keys are ${allowed.join(', ')}`);
  }
  if (space === 'nb201') {
    if (typeof obj.arch !== 'string') throw new GenotypeFormatError('genotype JSON: "arch" must be an NB201 arch string');
    return parseNb201Arch(obj.arch);
  }
  const edges = {} as Record<Cell, RawItem[]>;
  const concat = {} as Record<Cell, unknown[]>;
  for (const cell of CELLS) {
    const pairs = obj[cell];
    const cat = obj[`${cell}_concat`];
    if (!Array.isArray(pairs)) throw new GenotypeFormatError(`genotype JSON: "${cell}" must be a list of ["op", input] pairs`);
    if (!Array.isArray(cat)) throw new GenotypeFormatError(`genotype JSON: "${cell}_concat" must be a list of state indices`);
    edges[cell] = jsonItems(pairs);
    concat[cell] = cat;
  }
  return buildDarts(edges, concat, 'json');
}

function pyText(v: PyValue): string {
  if (v.kind === 'str') return `'${v.value}'`;
  if (v.kind === 'int') return String(v.value);
  const inner = v.items.map(pyText).join(', ');
  return v.kind === 'list' ? `[${inner}]` : `(${inner}${v.items.length === 1 ? ',' : ''})`;
}

function parsePythonGenotype(text: string): DartsGenotype {
  let call;
  try {
    call = parsePythonCall(text);
  } catch (cause) {
    if (cause instanceof PythonSyntaxError) throw new GenotypeFormatError(`Python genotype: ${cause.message}`, { cause });
    throw cause;
  }
  if (call.callee.split('.').pop() !== 'Genotype') throw new GenotypeFormatError(`Python genotype: expected Genotype(...), found ${call.callee}(...)`);
  const fields = ['normal', 'normal_concat', 'reduce', 'reduce_concat'] as const;
  if (call.positional.length > fields.length) throw new GenotypeFormatError(`Python genotype: Genotype takes 4 fields, got ${call.positional.length} positional arguments`);
  const values = new Map<string, PyValue>();
  call.positional.forEach((v, i) => values.set(fields[i], v));
  for (const kw of call.keywords) {
    if (!(fields as readonly string[]).includes(kw.name)) throw new GenotypeFormatError(`Python genotype: unknown field '${kw.name}' (${kw.value.at}); the fields are ${fields.join(', ')}`);
    if (values.has(kw.name)) throw new GenotypeFormatError(`Python genotype: field '${kw.name}' is given twice`);
    values.set(kw.name, kw.value);
  }
  const missing = fields.filter((f) => !values.has(f));
  if (missing.length > 0) throw new GenotypeFormatError(`Python genotype: missing ${missing.map((f) => `'${f}'`).join(', ')}`);
  const edges = {} as Record<Cell, RawItem[]>;
  const concat = {} as Record<Cell, unknown[]>;
  for (const cell of CELLS) {
    const pairs = values.get(cell)!;
    if (pairs.kind !== 'list' && pairs.kind !== 'tuple') throw new GenotypeFormatError(`Python genotype: '${cell}' (${pairs.at}) must be a list of ('op', input) tuples`);
    edges[cell] = pairs.items.map((p): RawItem => {
      const describe = `${pyText(p)} (${p.at})`;
      if (p.kind !== 'tuple' && p.kind !== 'list') return { describe };
      const [op, input] = p.items;
      return {
        describe,
        pairLength: p.items.length,
        op: op?.kind === 'str' ? op.value : undefined,
        input: input?.kind === 'int' ? input.value : undefined,
      };
    });
    const cat = values.get(`${cell}_concat`)!;
    if (cat.kind !== 'list' && cat.kind !== 'tuple') throw new GenotypeFormatError(`Python genotype: '${cell}_concat' (${cat.at}) must be range(...) or a list of integers`);
    concat[cell] = cat.items.map((c) => (c.kind === 'int' ? c.value : pyText(c)));
  }
  return buildDarts(edges, concat, 'python');
}

/**
 * Reads a genotype from any of its text forms: our JSON (`{"space": ...}`; DARTS JSON without
 * `space` is accepted too), an NB201 arch string, or DARTS's Python `Genotype(...)` (optionally
 * `NAME = Genotype(...)`).
 */
export function parseGenotype(text: string): Genotype {
  if (text.length > MAX_GENOTYPE_TEXT_CHARS) {
    throw new GenotypeFormatError(`the genotype text has ${text.length} characters; at most ${MAX_GENOTYPE_TEXT_CHARS} are read (a DARTS genotype is about 1 000)`);
  }
  const t = text.trim();
  if (t === '') throw new GenotypeFormatError('the genotype text is empty');
  if (t.startsWith('{')) return parseJsonGenotype(t);
  if (t.startsWith('|')) return parseNb201Arch(t);
  if (/^([A-Za-z_][\w.]*\s*=\s*)?[A-Za-z_][\w.]*\s*\(/.test(t)) return parsePythonGenotype(t);
  throw new GenotypeFormatError(
    'unrecognised genotype text: expected JSON ({"space": ...}), an NB201 arch string (|op~0|+...) or Python Genotype(normal=[...], ...)',
  );
}

/** Our canonical JSON, keys in a fixed order, no spaces; validates first. */
export function formatGenotypeJson(g: Genotype): string {
  if (g.space === 'nb201') return JSON.stringify({ space: 'nb201', arch: parseNb201Arch(g.arch).arch });
  const v = validateDartsGenotype(g);
  return JSON.stringify({
    space: 'darts',
    normal: v.normal,
    normal_concat: v.normal_concat,
    reduce: v.reduce,
    reduce_concat: v.reduce_concat,
  });
}

function pyConcat(concat: number[], style: 'range' | 'list'): string {
  const contiguous = concat.every((c, i) => i === 0 || c === concat[i - 1] + 1);
  return style === 'range' && contiguous ? `range(${concat[0]}, ${concat[concat.length - 1] + 1})` : `[${concat.join(', ')}]`;
}

/**
 * DARTS's Python text of a cell pair, as Python 3 prints the namedtuple `genotype()` returns (and the
 * search logs show): `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...)`.
 * `concat: 'list'` writes `[2, 3, 4, 5]` as the published constants in genotypes.py do; a concat
 * that is not a contiguous ascending run is always written as a list.
 */
export function formatDartsPython(g: DartsGenotype, opts: { concat?: 'range' | 'list' } = {}): string {
  const v = validateDartsGenotype(g);
  const style = opts.concat ?? 'range';
  const pairs = (cell: [string, number][]): string => `[${cell.map(([op, input]) => `('${op}', ${input})`).join(', ')}]`;
  return (
    `Genotype(normal=${pairs(v.normal)}, normal_concat=${pyConcat(v.normal_concat, style)}, ` +
    `reduce=${pairs(v.reduce)}, reduce_concat=${pyConcat(v.reduce_concat, style)})`
  );
}

/**
 * The one string that identifies an architecture, for hashing and de-duplication. A node's two
 * edges are summed, so their order does not change the network: they are sorted (by input, then
 * op), and the concat sets are sorted. Differs from formatGenotypeJson, which keeps the order given.
 */
export function genotypeKey(g: Genotype): string {
  if (g.space === 'nb201') return formatGenotypeJson(g);
  const v = validateDartsGenotype(g);
  const sortNodes = (cell: [string, number][]): [string, number][] => {
    const out: [string, number][] = [];
    for (let i = 0; i < cell.length; i += 2) {
      const pair = [cell[i], cell[i + 1]].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      out.push(...pair);
    }
    return out;
  };
  return formatGenotypeJson({
    space: 'darts',
    normal: sortNodes(v.normal),
    normal_concat: [...v.normal_concat].sort((a, b) => a - b),
    reduce: sortNodes(v.reduce),
    reduce_concat: [...v.reduce_concat].sort((a, b) => a - b),
  });
}
