import { z } from 'zod';

/**
 * The New-run form's fields read from an algorithm's zod schema, through zod's own JSON Schema
 * (`z.toJSONSchema`, input side: what a user may type, with the defaults zod fills): kind, bounds,
 * options and default from the schema's checks, label and help from its `.meta({ title,
 * description })`. Nothing about a field is written twice, so the form cannot drift from what the
 * engine accepts. Discriminated unions (`space`, `evaluator`) give a select of their discriminator
 * and conditional fields per member; an optional object (`earlyStop`) gives a checkbox that
 * switches its fields on. A constant inside an object has no input but is sent. Arrays (op lists, predictor widths) have no input: a preset's or a cloned
 * run's array is kept as it is (run-forms.ts's `base`).
 */

/** `const`: a constant of the schema (the DARTS evaluators' `space.kind`): no input, sent as it is whenever its condition holds. */
export type FieldKind = 'int' | 'number' | 'text' | 'select' | 'boolean' | 'toggle' | 'const';

export type FieldCondition = { path: string; equals: string | readonly string[] };

export type FieldSpec = {
  /** Dotted path inside the RunConfig (`steps`, `dataset.name`). */
  path: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  /** Words for each option (a union member's title), when the schema has them. */
  optionLabels?: Readonly<Record<string, string>>;
  help?: string;
  /** Inclusive bounds, and the exclusive ones (`positive()`: exclusiveMin 0). */
  min?: number;
  max?: number;
  exclusiveMin?: number;
  exclusiveMax?: number;
  /** The schema's default, when it has one (the value a variant's field starts from). */
  default?: unknown;
  /** Empty input sends nothing, leaving the schema's default (or absence). */
  optional?: boolean;
  /**
   * Shown and sent only while the field at `path` holds `equals` (or one of them): the fields of one
   * member of a discriminated union (`evaluator.kind`), or of a switched-on optional object.
   */
  when?: FieldCondition;
  /**
   * A choice the config does not hold (never sent): it narrows the options of the select at `path`
   * to those listed for its value, and is read back from that select's value. The black-box forms'
   * search space narrows the evaluator kinds (run-forms.ts).
   */
  narrows?: { path: string; options: Readonly<Record<string, readonly string[]>> };
};

type JsonNode = {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonNode>;
  required?: string[];
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
};

/** Top-level keys with their own input elsewhere: the algorithm menu and the run name. */
const NOT_FIELDS = new Set(['algorithm', 'name']);

/** zod writes `.int()` without a bound as the safe-integer range; that is no bound a user needs to see. */
const NO_BOUND = Number.MAX_SAFE_INTEGER;

function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function bounds(node: JsonNode): Pick<FieldSpec, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'> {
  const out: Pick<FieldSpec, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'> = {};
  if (node.minimum !== undefined && Math.abs(node.minimum) !== NO_BOUND) out.min = node.minimum;
  if (node.maximum !== undefined && Math.abs(node.maximum) !== NO_BOUND) out.max = node.maximum;
  if (node.exclusiveMinimum !== undefined) out.exclusiveMin = node.exclusiveMinimum;
  if (node.exclusiveMaximum !== undefined) out.exclusiveMax = node.exclusiveMaximum;
  return out;
}

function sameCondition(a: FieldSpec, b: FieldSpec): boolean {
  const { when: wa, label: _la, help: _ha, default: _da, ...ra } = a;
  const { when: wb, label: _lb, help: _hb, default: _db, ...rb } = b;
  return wa?.path === wb?.path && JSON.stringify(ra) === JSON.stringify(rb);
}

/** Adds a field; one that another union member already has (same path, kind and bounds) joins its condition. */
function add(fields: FieldSpec[], field: FieldSpec): void {
  const twin = field.when && fields.find((f) => f.path === field.path && sameCondition(f, field));
  if (!twin || !twin.when || !field.when) {
    fields.push(field);
    return;
  }
  const equals = (c: FieldCondition) => (typeof c.equals === 'string' ? [c.equals] : [...c.equals]);
  twin.when = { path: twin.when.path, equals: [...equals(twin.when), ...equals(field.when)] };
}

function unionMembers(node: JsonNode): JsonNode[] | null {
  const members = node.oneOf ?? node.anyOf;
  return members && members.every((m) => m.properties) ? members : null;
}

/** The property every member fixes to a constant: the union's discriminator. */
function discriminator(members: JsonNode[]): string | null {
  const keys = Object.keys(members[0].properties ?? {});
  return keys.find((k) => members.every((m) => m.properties?.[k]?.const !== undefined)) ?? null;
}

function walk(fields: FieldSpec[], node: JsonNode, path: string, required: boolean, when: FieldCondition | undefined): void {
  const label = node.title ?? humanize(path.split('.').pop() ?? path);
  const common = { path, label, ...(node.description ? { help: node.description } : {}), ...(when ? { when } : {}) };
  const members = unionMembers(node);
  if (members) {
    const key = discriminator(members);
    if (!key) return;
    const control = join(path, key);
    const options = members.map((m) => String(m.properties![key].const));
    const optionLabels = Object.fromEntries(members.map((m, i) => [options[i], m.properties![key].title ?? options[i]]));
    add(fields, { ...common, path: control, kind: 'select', options, optionLabels, default: (node.default as Record<string, unknown> | undefined)?.[key] });
    members.forEach((m, i) => {
      for (const [k, child] of Object.entries(m.properties!)) {
        if (k !== key) walk(fields, child, join(path, k), (m.required ?? []).includes(k), { path: control, equals: options[i] });
      }
    });
    return;
  }
  if (node.properties) {
    // An optional object without a default is absent unless switched on: a checkbox for it (when it has inputs).
    const toggled = !required && node.default === undefined;
    const inner: FieldSpec[] = [];
    for (const [k, child] of Object.entries(node.properties)) {
      walk(inner, child, join(path, k), (node.required ?? []).includes(k), toggled ? { path, equals: 'true' } : when);
    }
    if (toggled && inner.length > 0) add(fields, { ...common, kind: 'toggle', default: false });
    for (const f of inner) add(fields, f);
    return;
  }
  const optional = !required && node.default === undefined;
  const base = { ...common, ...(node.default !== undefined ? { default: node.default } : {}), ...(optional ? { optional } : {}) };
  if (node.type === 'array') return;
  if (node.const !== undefined) return add(fields, { ...common, kind: 'const', options: [String(node.const)], default: node.const });
  if (node.enum) add(fields, { ...base, kind: 'select', options: node.enum.map(String) });
  else if (node.type === 'integer') add(fields, { ...base, kind: 'int', ...bounds(node) });
  else if (node.type === 'number') add(fields, { ...base, kind: 'number', ...bounds(node) });
  else if (node.type === 'boolean') add(fields, { ...base, kind: 'boolean' });
  else if (node.type === 'string') add(fields, { ...base, kind: 'text' });
}

/** Every input of one algorithm's config schema, in the schema's key order. */
export function fieldsOfSchema(schema: z.ZodType): FieldSpec[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  const fields: FieldSpec[] = [];
  for (const [k, child] of Object.entries(json.properties ?? {})) {
    if (!NOT_FIELDS.has(k)) walk(fields, child, k, (json.required ?? []).includes(k), undefined);
  }
  return fields;
}

/** The bounds in words (`1 – 10000`, `> 0, ≤ 10`), for the help line under a number input. */
export function describeBounds(field: FieldSpec): string {
  const lower = field.exclusiveMin !== undefined ? `> ${field.exclusiveMin}` : field.min !== undefined ? `≥ ${field.min}` : '';
  const upper = field.exclusiveMax !== undefined ? `< ${field.exclusiveMax}` : field.max !== undefined ? `≤ ${field.max}` : '';
  if (field.min !== undefined && field.max !== undefined) return `${field.min} – ${field.max}`;
  return [lower, upper].filter(Boolean).join(', ');
}
