import fc from 'fast-check';
import type { z } from 'zod';

/**
 * fast-check arbitraries read from the contract's zod schemas (zod 4's `_zod.def`), so a channel
 * added to the contract is fuzzed with requests of its own shape without a line here. Values are
 * "mostly valid": bounds, enums, literals, unions and optional keys are followed; custom refinements
 * are not, so some fail validation, which the fuzz tests accept (they check the reply is typed).
 */
type Def = {
  type: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
  items?: z.ZodType[];
  valueType?: z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function checks(def: Def): Record<string, unknown>[] {
  return (def.checks ?? []).map((c) => c._zod.def);
}

/** Ids of rows the tests create are small: most generated ids should hit one. */
const SMALL_INT_MAX = 12;

function numberArb(def: Def): fc.Arbitrary<number> {
  let min = -1e6;
  let max = 1e6;
  let int = false;
  for (const c of checks(def)) {
    if (c.check === 'number_format') int = true;
    if (c.check === 'greater_than') min = Number(c.value) + (c.inclusive ? 0 : int ? 1 : 1e-9);
    if (c.check === 'less_than') max = Number(c.value) - (c.inclusive ? 0 : int ? 1 : 1e-9);
  }
  if (int) {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    const small = fc.integer({ min: lo, max: Math.min(hi, Math.max(lo, 0) + SMALL_INT_MAX) });
    return fc.oneof({ arbitrary: small, weight: 4 }, { arbitrary: fc.integer({ min: lo, max: hi }), weight: 1 });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function stringArb(def: Def): fc.Arbitrary<string> {
  let min = 0;
  let max = 40;
  for (const c of checks(def)) {
    if (c.check === 'min_length') min = Number(c.minimum);
    if (c.check === 'max_length') max = Math.min(max, Number(c.maximum));
  }
  // Printable and not blank, so a trimmed string keeps its length.
  return fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(min, Math.min(max, min + 24)) }).map((s) => {
    const t = s.replace(/\s/g, '_');
    return t.length >= min ? t : t.padEnd(min, 'x');
  });
}

export function arbitraryOf(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  if (depth > 12) return fc.constant(undefined);
  switch (def.type) {
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!));
    case 'literal':
      return fc.constantFrom(...def.values!);
    case 'optional':
    case 'default':
    case 'prefault':
      // undefined: the key is left out, the schema's default applies.
      return fc.option(arbitraryOf(def.innerType!, depth + 1), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType!, depth + 1), { nil: null, freq: 3 });
    case 'union':
      return fc.oneof(...def.options!.map((o) => arbitraryOf(o, depth + 1)));
    case 'lazy':
      return arbitraryOf(def.getter!(), depth + 1);
    case 'pipe':
      return arbitraryOf(def.in!, depth + 1);
    case 'tuple':
      return fc.tuple(...def.items!.map((i) => arbitraryOf(i, depth + 1)));
    case 'record':
      return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), arbitraryOf(def.valueType!, depth + 1), { maxKeys: 4 });
    case 'any':
    case 'unknown':
      return fc.jsonValue({ maxDepth: 3 });
    case 'array': {
      let min = 0;
      let max = 4;
      for (const c of checks(def)) {
        if (c.check === 'min_length') min = Number(c.minimum);
        if (c.check === 'max_length') max = Math.min(max, Number(c.maximum));
      }
      return fc.array(arbitraryOf(def.element!, depth + 1), { minLength: min, maxLength: Math.max(min, max) });
    }
    case 'object': {
      const keys = Object.entries(def.shape!);
      return fc.tuple(...keys.map(([, s]) => arbitraryOf(s, depth + 1))).map((values) => {
        const out: Record<string, unknown> = {};
        keys.forEach(([k], i) => {
          if (values[i] !== undefined) out[k] = values[i];
        });
        return out;
      });
    }
    default:
      throw new Error(`zod-arbitrary: no generator for zod type '${def.type}': add one here`);
  }
}
