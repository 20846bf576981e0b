import { describeIssues } from '../../src-shared/contract';
import { oneShotFields } from '../../src-shared/model/algorithms/one-shot';
import { PRESETS } from '../../src-shared/model/presets';
import { RunConfig, type Algorithm, type RunConfigInput } from '../../src-shared/model/run-config';
import { SearchSpace } from '../../src-shared/model/space';
import { fieldsOfSchema, type FieldCondition, type FieldSpec } from './schema-fields';

export type { FieldCondition, FieldKind, FieldSpec } from './schema-fields';
export { describeBounds } from './schema-fields';

/**
 * The New-run form of each algorithm. Its fields are read from the algorithm's schema
 * (schema-fields.ts), so only the words about the algorithm itself are written here; adding an
 * algorithm to the RunConfig union means adding one entry to FORM_TEXT (a unit test fails until
 * every algorithm has one). The form validates with the same RunConfig schema main uses, as the
 * user types, and shows each message by its field.
 */
export type AlgorithmForm = { algorithm: Algorithm; label: string; description: string; fields: FieldSpec[] };

/**
 * Run kinds the New-run form does not offer, because they start from something other than typed
 * values: an evaluation trains a given cell, so it starts from "Train this cell" on a finished
 * search's dashboard or in the Genotype view (and `cli evaluate`).
 */
export const STARTED_ELSEWHERE: readonly Algorithm[] = ['evaluation'];

type FormAlgorithm = Exclude<Algorithm, 'evaluation'>;

/**
 * `omit`: schema keys the form leaves out because the schema refuses them for this method (PVLL-NAS
 * has no DARTS-ES); `only`: the variants of a union select the method takes (PC-DARTS: the DARTS
 * space), the other variants' fields left out.
 */
const FORM_TEXT: Record<FormAlgorithm, { label: string; description: string; omit?: string[]; only?: Record<string, string[]> }> = {
  train: { label: 'Train a small convnet', description: 'Plain SGD training of a small convnet: the quickest real run, a baseline and a check of the whole path.' },
  darts: { label: 'DARTS', description: 'Differentiable architecture search (Liu et al., ICLR 2019) over the DARTS cell space; defaults are the authors\' code\'s.' },
  'sdarts-rs': { label: 'SDARTS-RS', description: 'DARTS whose weight step sees randomly perturbed edge weights (Chen and Hsieh, ICML 2020): a smoother, more robust search.' },
  'sdarts-adv': { label: 'SDARTS-ADV', description: 'DARTS whose weight step sees the worst edge weights a few PGD steps find within the radius (Chen and Hsieh, ICML 2020).' },
  drnas: { label: 'DrNAS', description: 'Dirichlet-distributed edge weights learned by their pathwise gradient, with a KL pull to a prior (Chen et al., ICLR 2021).', omit: ['progressive'] },
  gdas: { label: 'GDAS', description: 'One sampled op per edge (Gumbel-max, straight-through gradient; Dong and Yang, CVPR 2019): cheaper steps than DARTS.' },
  snas: { label: 'SNAS', description: 'Gumbel-softmax relaxed edges with an annealed temperature (Xie et al., ICLR 2019), with a choice of gradient estimator.' },
  pvll: { label: 'PVLL-NAS', description: 'Search in a learned proxy validation loss landscape (Li, Dong, Wang, Xu, ICML 2020), with the ablations of its Table 4.', omit: ['earlyStop'] },
  random: { label: 'Random search', description: 'Uniformly sampled NAS-Bench-201 cells: the baseline every search must beat.' },
  rea: { label: 'Regularized evolution', description: 'Aging evolution (Real et al., AAAI 2019): tournament selection, one-edge mutation, the oldest removed.' },
  ls: { label: 'Local search', description: 'Best-improvement local search over one-edge neighbours with random restarts (White, Nolen, Savani, UAI 2021).' },
  bananas: { label: 'BANANAS (predictor-based)', description: 'Bayesian optimization with a neural predictor ensemble and path encoding (White et al., AAAI 2021).' },
  pcdarts: { label: 'PC-DARTS', description: 'DARTS on 1/K of each edge’s channels with edge normalization (Xu et al., ICLR 2020): a fraction of the memory, α frozen for a warm-up.' },
  nosh: { label: 'NOSH (non-uniform successive halving)', description: 'Cells trained on a pyramid of growing budgets, paused and resumed; budget in epochs (Wang et al., ICCV 2021).' },
  'rank-nosh': { label: 'Rank-NOSH (pairwise ranker + NOSH)', description: 'NOSH whose new cells a pairwise ranker, fitted on the partial results, proposes (Wang et al., ICCV 2021).' },
  'darts-pt': { label: 'DARTS-PT (perturbation-based selection)', description: 'DARTS’s supernet (or one with α never trained), then each edge keeps the op whose removal hurts validation accuracy most, with fine-tuning between edges (Wang et al., ICLR 2021).', omit: ['earlyStop', 'source'] },
  nasp: { label: 'NASP', description: 'Proximal iterations (Yao et al., AAAI 2020): the forward runs the discrete architecture, one op per edge, whose gradient updates the continuous α kept in [0, 1]; with the authors\' size penalty.' },
  proxyless: { label: 'ProxylessNAS', description: 'Binarized paths (Cai, Zhu and Han, ICLR 2019): one sampled op per edge for the weights, two for α with the authors\' gate-gradient estimator; only the sampled paths in memory.' },
  fewshot: { label: 'Few-shot NAS', description: 'DARTS on the one-shot supernet, then one warm-started sub-supernet per op of one edge, each searched on its own; the best validating one answers (Zhao et al., ICML 2021).' },
};

/** Top-level keys shown after the method's own fields, in this order; the method's own come first. */
const LATER = ['space', 'dataset', 'earlyStop', 'seed', 'checkpointEvery'];
const SHARED = new Set(Object.keys(oneShotFields));

function rank(field: FieldSpec): number {
  const top = field.path.split('.')[0];
  const later = LATER.indexOf(top);
  if (later >= 0) return 1 + later;
  return SHARED.has(top) ? 0 : -1;
}

/** The form-only select of the cell space a black-box search moves in (its config says it through the evaluator kind). */
export const CELL_SPACE_PATH = 'cellSpace';

/**
 * A black-box form whose evaluators search different cell spaces gets a "Search space" select
 * before the evaluator kind, whose options then follow the space. An evaluator's space is the
 * constant `kind` of its `space` object (the DARTS evaluators hold their DARTS space); one without
 * searches NAS-Bench-201's cells. The space names are the space schemas' titles.
 */
function withCellSpace(fields: FieldSpec[]): FieldSpec[] {
  const kinds = fields.find((f) => f.path === 'evaluator.kind' && f.kind === 'select');
  if (!kinds?.options) return fields;
  const spaceOf = (kind: string): string =>
    String(fields.find((f) => f.kind === 'const' && f.path === 'evaluator.space.kind' && f.when && allowed(f.when).includes(kind))?.default ?? 'nb201');
  const bySpace = new Map<string, string[]>();
  for (const kind of kinds.options) bySpace.set(spaceOf(kind), [...(bySpace.get(spaceOf(kind)) ?? []), kind]);
  if (bySpace.size < 2) return fields;
  const spaces = [...bySpace.keys()];
  const title = (kind: string): string => String(SearchSpace.options.find((o) => o.shape.kind.value === kind)?.shape.kind.meta()?.title ?? kind);
  const control: FieldSpec = {
    path: CELL_SPACE_PATH,
    label: 'Search space',
    kind: 'select',
    options: spaces,
    optionLabels: Object.fromEntries(spaces.map((k) => [k, title(k)])),
    help: 'the cells the strategy moves in; the evaluators offered are that space\'s',
    default: spaceOf(String(kinds.default)),
    narrows: { path: kinds.path, options: Object.fromEntries(bySpace) },
  };
  const perSpace = [...bySpace].map(([space, options]): FieldSpec => ({
    ...kinds,
    options,
    default: options.includes(String(kinds.default)) ? kinds.default : options[0],
    when: { path: CELL_SPACE_PATH, equals: space },
  }));
  const at = fields.indexOf(kinds);
  return [...fields.slice(0, at), control, ...perSpace, ...fields.slice(at + 1)];
}

function formOf(algorithm: FormAlgorithm): AlgorithmForm {
  const schema = RunConfig.options.find((o) => o.shape.algorithm.value === algorithm);
  if (!schema) throw new Error(`The RunConfig union has no '${algorithm}'`);
  const { label, description, omit = [], only = {} } = FORM_TEXT[algorithm];
  const fields = withCellSpace(fieldsOfSchema(schema))
    .filter((f) => !omit.includes(f.path.split('.')[0]))
    .filter((f) => !(f.when && only[f.when.path] && !allowed(f.when).some((v) => only[f.when!.path].includes(v))))
    .map((f) => {
      const keep = f.when && only[f.when.path];
      if (!keep) return f;
      const equals = allowed(f.when!).filter((v) => keep.includes(v));
      return { ...f, when: { path: f.when!.path, equals: equals.length === 1 ? equals[0] : equals } };
    })
    .map((f) => (only[f.path] && f.options ? { ...f, options: f.options.filter((o) => only[f.path].includes(o)), default: only[f.path].includes(String(f.default)) ? f.default : only[f.path][0] } : f))
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
  return { algorithm, label, description, fields };
}

export const RUN_FORMS: AlgorithmForm[] = (Object.keys(FORM_TEXT) as FormAlgorithm[]).map(formOf);

export function formFor(algorithm: Algorithm): AlgorithmForm {
  const form = RUN_FORMS.find((f) => f.algorithm === algorithm);
  if (!form) throw new Error(`No New-run form for algorithm '${algorithm}': add it to FORM_TEXT`);
  return form;
}

/** What the form's inputs hold: text for text/select/number inputs, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

/**
 * What the form edits: the inputs' values over a `base` config (a preset, a cloned run's config, or
 * just the algorithm). What has no input (an op list, the predictor's widths) is sent as the base
 * has it, so a preset or a clone is sent exactly, not only the part the inputs can say.
 */
export type FormDraft = { values: FormValues; base: Record<string, unknown> };

/** A deep copy of JSON data; unlike structuredClone it also copies a Vue reactive proxy (the view's draft). */
function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function readPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function deletePath(obj: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  const parent = keys.length === 1 ? obj : readPath(obj, keys.slice(0, -1).join('.'));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[keys[keys.length - 1]];
}

function allowed(condition: FieldCondition): readonly string[] {
  return typeof condition.equals === 'string' ? [condition.equals] : condition.equals;
}

/** Whether a field applies to these values: its condition holds, and so does its controlling field's. */
export function applies(form: AlgorithmForm, field: FieldSpec, values: FormValues): boolean {
  const when = field.when;
  if (!when) return true;
  if (!allowed(when).includes(String(values[when.path] ?? ''))) return false;
  const controllers = form.fields.filter((f) => f.path === when.path);
  return controllers.length === 0 || controllers.some((c) => applies(form, c, values));
}

/**
 * The schema's defaults with the union discriminator at `path` set to `value`: zod picks that
 * member and fills its defaults, so they are read, not written here.
 */
function defaultsWith(form: AlgorithmForm, path: string, value: string): unknown {
  const input: Record<string, unknown> = { algorithm: form.algorithm };
  writePath(input, path, value);
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) throw new Error(`The ${form.algorithm} form has no defaults for ${path} = '${value}': ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function formValue(field: FieldSpec, v: unknown): string | boolean {
  if (field.kind === 'toggle') return v !== undefined && v !== null;
  return field.kind === 'boolean' ? Boolean(v) : v === undefined ? '' : String(v);
}

/** A conditional field's value before its condition holds: its variant's default. */
function variantValue(form: AlgorithmForm, field: FieldSpec): string | boolean {
  const when = field.when!;
  const controller = form.fields.find((f) => f.path === when.path);
  if (controller?.kind === 'toggle' || controller?.narrows) return formValue(field, field.default);
  return formValue(field, readPath(defaultsWith(form, when.path, allowed(when)[0]), field.path));
}

/**
 * Input values for every field of a parsed config. A conditional field whose condition the config
 * does not meet gets the default of its first variant, so it holds something sensible when it is
 * switched on.
 */
export function valuesOf(form: AlgorithmForm, config: unknown): FormValues {
  const values: FormValues = {};
  // A form-only choice is read back from the select it narrows: the option list that holds its value.
  const read = (f: FieldSpec): unknown => {
    if (!f.narrows) return readPath(config, f.path);
    const held = String(readPath(config, f.narrows.path));
    return Object.keys(f.narrows.options).find((k) => f.narrows!.options[k].includes(held)) ?? f.default;
  };
  const controllerValue = (when: FieldCondition): string => {
    const controller = form.fields.find((c) => c.path === when.path);
    return String(controller ? formValue(controller, read(controller)) : readPath(config, when.path));
  };
  const met = (f: FieldSpec): boolean => !f.when || allowed(f.when).includes(controllerValue(f.when));
  for (const f of form.fields) if (f.when && !met(f)) values[f.path] = variantValue(form, f);
  for (const f of form.fields.filter(met)) values[f.path] = formValue(f, read(f));
  return values;
}

/** The schema's defaults for an algorithm. */
export function defaultDraft(form: AlgorithmForm): FormDraft {
  return { values: valuesOf(form, RunConfig.parse({ algorithm: form.algorithm })), base: { algorithm: form.algorithm } };
}

/** The schema's defaults, as input values. */
export function defaultValues(form: AlgorithmForm): FormValues {
  return defaultDraft(form).values;
}

/** A stored config (a run being cloned), every value of it kept. */
export function configDraft(form: AlgorithmForm, config: unknown): FormDraft {
  const parsed = RunConfig.safeParse({ ...(config as object), algorithm: form.algorithm });
  // A run stored by an older version may hold what this schema no longer takes: say what, not a stack.
  if (!parsed.success) throw new Error(`its config no longer fits the ${form.algorithm} schema: ${describeIssues(parsed.error.issues).message}`);
  return { values: valuesOf(form, parsed.data), base: cloneJson(config as Record<string, unknown>) };
}

/** The shared presets (src-shared/model/presets.ts) that configure this algorithm. */
export function presetNames(algorithm: Algorithm): string[] {
  return Object.entries(PRESETS)
    .filter(([, config]) => config.algorithm === algorithm)
    .map(([name]) => name);
}

/** A preset exactly as the CLI's `--preset NAME` runs it: its values in the inputs, the preset as the base. */
export function presetDraft(form: AlgorithmForm, name: string): FormDraft {
  const preset = PRESETS[name];
  if (!preset || preset.algorithm !== form.algorithm) throw new Error(`No ${form.algorithm} preset named '${name}'`);
  return { values: valuesOf(form, RunConfig.parse(preset)), base: cloneJson(preset as Record<string, unknown>) };
}

/**
 * The values after the field at `path` changed to `value`. The fields that depend on it and belong
 * to the union member it picks (they sit in the same object: `evaluator.*` for `evaluator.kind`),
 * directly or through another conditional field, take the defaults of the member just chosen:
 * switching the evaluator from nb201-train to nb201-supernet gives the supernet's learning rate.
 */
export function changeValue(form: AlgorithmForm, values: FormValues, path: string, value: string | boolean): FormValues {
  const next: FormValues = { ...values, [path]: value };
  // A form-only choice (the search space) keeps the select it narrows if it is still offered, else picks its first option.
  const narrows = form.fields.find((f) => f.path === path)?.narrows;
  if (narrows) {
    const offered = narrows.options[String(value)] ?? [];
    return offered.length === 0 || offered.includes(String(next[narrows.path])) ? next : changeValue(form, next, narrows.path, offered[0]);
  }
  const member = path.includes('.') ? path.slice(0, path.lastIndexOf('.') + 1) : '';
  const dependents = form.fields.filter((f) => f.when?.path === path && f.path.startsWith(member));
  if (dependents.length === 0 || typeof value !== 'string') return next;
  const defaults = defaultsWith(form, path, value);
  for (const f of dependents) {
    if (!applies(form, f, next)) continue;
    Object.assign(next, changeValue(form, next, f.path, formValue(f, readPath(defaults, f.path))));
  }
  return next;
}

/** One-shot forms search a space (their `space.*` fields); black-box forms query a fixed benchmark. */
export function takesSpace(form: AlgorithmForm): boolean {
  return form.fields.some((f) => f.path.startsWith('space.'));
}

/**
 * The fields to show and send: those whose condition holds for these values. A whole space carried
 * in (from the space editor, a saved space or a cloned run: per-edge op lists, more than the
 * `space.*` inputs can say) replaces those fields.
 */
export function visibleFields(form: AlgorithmForm, space: SearchSpace | null, values: FormValues = defaultValues(form)): FieldSpec[] {
  const shown = form.fields.filter((f) => f.kind !== 'const' && applies(form, f, values));
  return space && takesSpace(form) ? shown.filter((f) => !f.path.startsWith('space.')) : shown;
}

/** A space passed in the New-run URL (`?space=<JSON>`), validated; the error says what is wrong with it. */
export function spaceFromQuery(raw: unknown): { space: SearchSpace | null; error: string | null } {
  if (typeof raw !== 'string' || raw === '') return { space: null, error: null };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { space: null, error: 'The search space in the address is not JSON; open the space editor and start the run from there.' };
  }
  const parsed = SearchSpace.safeParse(data);
  if (!parsed.success) return { space: null, error: `The search space in the address is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}` };
  return { space: parsed.data, error: null };
}

/**
 * The RunConfig to send: the base, with every shown input written over it. Numbers are sent as
 * typed, even when out of range, and text that is not a number as text, so the schema names the
 * problem. An emptied optional input removes the key; a union member switched away from the base's
 * (another evaluator kind) or a switched-off optional object drops the base's object. Constants
 * (`evaluator.space.kind`) are written where they apply; a form-only choice is not sent. A carried
 * `space` is sent whole, in place of the `space.*` fields.
 */
export function buildConfig(form: AlgorithmForm, values: FormValues, space: SearchSpace | null = null, base: Record<string, unknown> = {}): RunConfigInput {
  const config = cloneJson(base);
  config.algorithm = form.algorithm;
  const shown = visibleFields(form, space, values);
  for (const f of form.fields) {
    const controls = form.fields.some((d) => d.when?.path === f.path);
    if (f.kind === 'toggle' && !(values[f.path] === true && applies(form, f, values))) deletePath(config, f.path);
    else if (controls && f.kind === 'select') {
      const before = readPath(base, f.path);
      if (before !== undefined && String(before) !== values[f.path]) deletePath(config, f.path.slice(0, f.path.lastIndexOf('.')));
    }
  }
  for (const f of form.fields) {
    if (f.kind === 'const' && applies(form, f, values) && !(space && takesSpace(form) && f.path.startsWith('space.'))) writePath(config, f.path, f.default);
  }
  for (const f of shown) {
    if (f.narrows) continue;
    const raw = values[f.path];
    if (f.kind === 'toggle') {
      if (raw === true && typeof readPath(config, f.path) !== 'object') writePath(config, f.path, {});
      continue;
    }
    let value: unknown;
    if (f.kind === 'boolean') value = Boolean(raw);
    else {
      const text = String(raw ?? '').trim();
      if (text === '') {
        deletePath(config, f.path);
        continue;
      }
      value = f.kind === 'int' || f.kind === 'number' ? (Number.isFinite(Number(text)) ? Number(text) : text) : text;
    }
    writePath(config, f.path, value);
  }
  if (space && takesSpace(form)) config.space = space;
  return config as RunConfigInput;
}

/** The form field an AppError.field points at (`config.steps` → `steps`), or null. */
export function fieldOfError(field: string | undefined): string | null {
  if (!field) return null;
  return field.startsWith('config.') ? field.slice('config.'.length) : field;
}
