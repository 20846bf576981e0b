/**
 * A reader for the small piece of Python that DARTS-family genotypes are written in:
 * `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...)`, as the authors'
 * genotypes.py files and their search logs show it. Only literals are understood: strings (either
 * quote), integers, lists, tuples, `range(...)` and one call of a named constructor.
 */

/** A parsed value, with where it started in the text (for error messages). */
export type PyValue =
  | { kind: 'str'; value: string; at: string }
  | { kind: 'int'; value: number; at: string }
  | { kind: 'list' | 'tuple'; items: PyValue[]; at: string };

export interface PyCall {
  callee: string;
  positional: PyValue[];
  keywords: { name: string; value: PyValue }[];
}

type Token = { type: 'name' | 'str' | 'int' | 'punct' | 'end'; text: string; value?: string | number; pos: number };

export class PythonSyntaxError extends Error {}

/**
 * Limits, far above any real genotype (DARTS's longest are ~1 kB, concat is range(2, 6), nesting is
 * 3 deep) and low enough that no text costs much: `range(2, 99999999)` would otherwise expand to
 * 10^8 values (gigabytes), and `[[[[…` 50 000 deep would overflow the stack.
 */
export const MAX_PYTHON_TEXT_CHARS = 100_000;
export const MAX_RANGE_LENGTH = 1000;
export const MAX_NESTING = 16;

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ type: 'name', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+/.exec(text.slice(i));
      if (!m) throw new PythonSyntaxError(`unexpected '${ch}' at ${lineCol(text, i)}`);
      if (!Number.isSafeInteger(Number(m[0]))) throw new PythonSyntaxError(`integer ${m[0].slice(0, 30)} at ${lineCol(text, i)} is too large`);
      tokens.push({ type: 'int', text: m[0], value: Number(m[0]), pos: i });
      i += m[0].length;
    } else if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      const newline = text.indexOf('\n', i + 1);
      if (end < 0 || (newline >= 0 && newline < end)) {
        throw new PythonSyntaxError(`string opened with ${ch} at ${lineCol(text, i)} is never closed on its line`);
      }
      const body = text.slice(i + 1, end);
      if (body.includes('\\')) throw new PythonSyntaxError(`escapes in strings are not supported (${lineCol(text, i)}); op names are plain words`);
      tokens.push({ type: 'str', text: text.slice(i, end + 1), value: body, pos: i });
      i = end + 1;
    } else if ('()[],='.includes(ch)) {
      tokens.push({ type: 'punct', text: ch, pos: i });
      i++;
    } else {
      throw new PythonSyntaxError(`unexpected '${ch}' at ${lineCol(text, i)}`);
    }
  }
  tokens.push({ type: 'end', text: 'end of text', pos: text.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i];
  }
  private take(): Token {
    return this.tokens[this.i++];
  }
  at(t: Token): string {
    return lineCol(this.text, t.pos);
  }
  fail(t: Token, expected: string): never {
    throw new PythonSyntaxError(`expected ${expected} at ${this.at(t)}, found ${t.type === 'end' ? 'the end of the text' : `'${t.text}'`}`);
  }
  private expect(punct: string): void {
    const t = this.take();
    if (t.type !== 'punct' || t.text !== punct) this.fail(t, `'${punct}'`);
  }
  private isPunct(punct: string): boolean {
    const t = this.peek();
    return t.type === 'punct' && t.text === punct;
  }

  /** Items up to `close`, comma separated, trailing comma allowed. */
  private sequence<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.isPunct(close)) {
      items.push(item());
      if (this.isPunct(',')) this.take();
      else if (!this.isPunct(close)) this.fail(this.peek(), `',' or '${close}'`);
    }
    this.take();
    return items;
  }

  /** `depth`: how many lists and tuples enclose this value (limited, so nesting cannot overflow the stack). */
  value(depth = 0): PyValue {
    const t = this.take();
    const at = this.at(t);
    if (t.type === 'str') return { kind: 'str', value: t.value as string, at };
    if (t.type === 'int') return { kind: 'int', value: t.value as number, at };
    if (t.type === 'punct' && (t.text === '[' || t.text === '(') && depth >= MAX_NESTING) {
      throw new PythonSyntaxError(`lists and tuples nest deeper than ${MAX_NESTING} levels at ${at}; a genotype nests 3`);
    }
    if (t.type === 'punct' && t.text === '[') return { kind: 'list', items: this.sequence(']', () => this.value(depth + 1)), at };
    if (t.type === 'punct' && t.text === '(') {
      const items = this.sequence(')', () => this.value(depth + 1));
      // `(x)` is x in Python; `(x,)` is a tuple, which the sequence reader cannot tell apart, so a
      // one-item parenthesis is read as a tuple and callers report a wrong length.
      return { kind: 'tuple', items, at };
    }
    if (t.type === 'name' && (t.text === 'range' || t.text === 'list')) return this.rangeCall(t);
    return this.fail(t, 'a string, an integer, a list, a tuple or range(...)');
  }

  /** `range(stop)`, `range(start, stop)`, `range(start, stop, step)`, or `list(range(...))`. */
  private rangeCall(name: Token): PyValue {
    this.expect('(');
    if (name.text === 'list') {
      const inner = this.take();
      if (inner.type !== 'name' || inner.text !== 'range') this.fail(inner, 'range(...) inside list(...)');
      const v = this.rangeCall(inner);
      this.expect(')');
      return v;
    }
    const args = this.sequence(')', () => {
      const a = this.take();
      if (a.type !== 'int') this.fail(a, 'an integer argument of range');
      return a.value as number;
    });
    if (args.length < 1 || args.length > 3) this.fail(name, 'range with 1 to 3 arguments');
    const [start, stop, step] = args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
    if (step === 0) this.fail(name, 'a non-zero step of range');
    const at = this.at(name);
    const length = Math.max(0, Math.ceil((stop - start) / step));
    if (length > MAX_RANGE_LENGTH) {
      throw new PythonSyntaxError(`range(${args.join(', ')}) at ${at} has ${length} values; at most ${MAX_RANGE_LENGTH} are read (a cell's concat is a handful of states)`);
    }
    const items: PyValue[] = [];
    for (let v = start; step > 0 ? v < stop : v > stop; v += step) items.push({ kind: 'int', value: v, at });
    return { kind: 'list', items, at };
  }

  /** `[name =] Callee(args)` and nothing after it. */
  call(): PyCall {
    let callee = this.take();
    if (callee.type !== 'name') this.fail(callee, 'a constructor call such as Genotype(...)');
    if (this.isPunct('=')) {
      this.take();
      callee = this.take();
      if (callee.type !== 'name') this.fail(callee, 'a constructor call such as Genotype(...)');
    }
    this.expect('(');
    const positional: PyValue[] = [];
    const keywords: { name: string; value: PyValue }[] = [];
    this.sequence(')', () => {
      const t = this.peek();
      const next = this.tokens[this.i + 1];
      if (t.type === 'name' && next.type === 'punct' && next.text === '=') {
        this.take();
        this.take();
        keywords.push({ name: t.text, value: this.value() });
      } else {
        if (keywords.length > 0) this.fail(t, 'a keyword argument (positional arguments come first)');
        positional.push(this.value());
      }
    });
    const rest = this.peek();
    if (rest.type !== 'end') this.fail(rest, 'the end of the text after the closing parenthesis');
    return { callee: callee.text, positional, keywords };
  }
}

/** Parses `Callee(args)` (optionally `name = Callee(args)`) into its arguments. */
export function parsePythonCall(text: string): PyCall {
  if (text.length > MAX_PYTHON_TEXT_CHARS) throw new PythonSyntaxError(`the text has ${text.length} characters; at most ${MAX_PYTHON_TEXT_CHARS} are read`);
  return new Parser(text, tokenize(text)).call();
}
