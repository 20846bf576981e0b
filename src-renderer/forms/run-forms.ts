import { PREDICTOR_KINDS } from '../../src-shared/model/algorithms/blackbox';
import { DATASET_NAMES } from '../../src-shared/model/dataset';
import { PRESETS } from '../../src-shared/model/presets';
import { RunConfig, type Algorithm, type RunConfigInput } from '../../src-shared/model/run-config';
import { SearchSpace } from '../../src-shared/model/space';

/**
 * The New-run form of each algorithm, as data: adding an algorithm to the RunConfig union means adding
 * one entry here. Defaults are not written here but read from the algorithm's schema, so they cannot
 * drift; the server validates what is sent and its error names the bad field.
 */
export type FieldKind = 'int' | 'number' | 'text' | 'select' | 'boolean';

export type FieldSpec = {
  /** Dotted path inside the RunConfig (`steps`, `dataset.name`). */
  path: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  help?: string;
  /** Empty input sends nothing, leaving the schema's default (or absence) to the server. */
  optional?: boolean;
  /**
   * Shown and sent only while the field at `path` holds `equals` (or one of them): the fields of one
   * member of a discriminated union (`evaluator.kind`). Its default is that member's.
   */
  when?: FieldCondition;
};

export type FieldCondition = { path: string; equals: string | readonly string[] };

export type AlgorithmForm = { algorithm: Algorithm; label: string; description: string; fields: FieldSpec[] };

const DATASET_FIELDS: FieldSpec[] = [
  { path: 'dataset.name', label: 'Dataset', kind: 'select', options: DATASET_NAMES, help: 'embedded: the Fashion-MNIST sample shipped with the app' },
  { path: 'dataset.dir', label: 'Dataset folder', kind: 'text', optional: true, help: 'needed for every dataset but embedded' },
  { path: 'dataset.trainLimit', label: 'Train images (max)', kind: 'int', optional: true },
  { path: 'dataset.testLimit', label: 'Test images (max)', kind: 'int', optional: true },
];

/** Fields every one-shot search (DARTS, GDAS, SNAS, PVLL-NAS) shares, as their configs share a base. */
const ONE_SHOT_FIELDS: FieldSpec[] = [
  { path: 'epochs', label: 'Epochs', kind: 'int' },
  { path: 'batchSize', label: 'Batch size', kind: 'int' },
  { path: 'batchesPerEpoch', label: 'Batches per epoch (max)', kind: 'int', optional: true, help: 'cap an epoch for a quick run on a CPU' },
  { path: 'space.kind', label: 'Search space', kind: 'select', options: ['darts'], help: 'the DARTS cell space; NAS-Bench-201 and the RobustDARTS spaces from a config file' },
  { path: 'space.layers', label: 'Cells (layers)', kind: 'int' },
  { path: 'space.channels', label: 'Initial channels', kind: 'int' },
  { path: 'space.nodes', label: 'Intermediate nodes', kind: 'int' },
  { path: 'learningRate', label: 'Weights: learning rate', kind: 'number' },
  { path: 'learningRateMin', label: 'Weights: final learning rate', kind: 'number' },
  { path: 'momentum', label: 'Weights: momentum', kind: 'number' },
  { path: 'weightDecay', label: 'Weights: weight decay', kind: 'number' },
  { path: 'gradClip', label: 'Weights: gradient clip', kind: 'number' },
  { path: 'archLearningRate', label: 'Architecture: learning rate', kind: 'number' },
  { path: 'archWeightDecay', label: 'Architecture: weight decay', kind: 'number' },
  { path: 'trainPortion', label: 'Train portion', kind: 'number', help: 'share of the training images that train the weights; the rest train the architecture' },
  { path: 'validBatches', label: 'Validation batches per epoch', kind: 'int' },
  { path: 'hessianEvery', label: 'Hessian eigenvalue every (epochs)', kind: 'int', help: '0: never' },
  { path: 'seed', label: 'Seed', kind: 'int' },
  ...DATASET_FIELDS,
];

const EVALUATOR_KINDS = ['nb201-tabular', 'nb201-train', 'nb201-supernet'] as const;
const TABULAR = { path: 'evaluator.kind', equals: 'nb201-tabular' } as const;
const TRAIN = { path: 'evaluator.kind', equals: 'nb201-train' } as const;
const SUPERNET = { path: 'evaluator.kind', equals: 'nb201-supernet' } as const;
const TRAINING = { path: 'evaluator.kind', equals: ['nb201-train', 'nb201-supernet'] } as const;

/**
 * Black-box strategies query an evaluator: NAS-Bench-201's table, or NB201's network trained on the
 * user's images (from scratch per cell, or once as a supernet). Every form shares these. The budget
 * counts distinct cells whatever the evaluator; its label says what a cell costs.
 */
const BLACK_BOX_FIELDS: FieldSpec[] = [
  { path: 'budget', label: 'Budget (cells looked up)', kind: 'int', help: 'distinct cells; a lookup costs nothing', when: TABULAR },
  { path: 'budget', label: 'Budget (cells trained)', kind: 'int', help: 'distinct cells, each trained from scratch for the epochs per cell below', when: TRAIN },
  { path: 'budget', label: 'Budget (cells scored)', kind: 'int', help: 'distinct cells, each scored on the validation batches after the supernet is trained once', when: SUPERNET },
  {
    path: 'evaluator.kind', label: 'Evaluator', kind: 'select', options: EVALUATOR_KINDS,
    help: 'nb201-tabular: NAS-Bench-201 lookup (CIFAR, ImageNet16-120); nb201-train: train each cell from scratch on your images; nb201-supernet: train a weight-sharing supernet once, score each cell with its weights',
  },
  { path: 'evaluator.dataset', label: 'NAS-Bench-201 dataset', kind: 'select', options: ['cifar10', 'cifar100', 'imagenet16-120'], when: TABULAR },
  { path: 'evaluator.dataset.name', label: 'Dataset', kind: 'select', options: DATASET_NAMES, help: 'embedded: the Fashion-MNIST sample shipped with the app', when: TRAINING },
  { path: 'evaluator.dataset.dir', label: 'Dataset folder', kind: 'text', optional: true, help: 'needed for every dataset but embedded', when: TRAINING },
  { path: 'evaluator.dataset.trainLimit', label: 'Train images (max)', kind: 'int', optional: true, help: 'split by the train portion into training and held-out validation images', when: TRAINING },
  { path: 'evaluator.trainPortion', label: 'Train portion', kind: 'number', help: 'the rest is held out: the metric is the accuracy on it', when: TRAINING },
  { path: 'evaluator.channels', label: 'Channels (C)', kind: 'int', help: 'stages have C, 2C, 4C channels', when: TRAINING },
  { path: 'evaluator.cellsPerStage', label: 'Cells per stage (N)', kind: 'int', when: TRAINING },
  { path: 'evaluator.epochs', label: 'Epochs per cell', kind: 'int', when: TRAIN },
  { path: 'evaluator.supernetEpochs', label: 'Supernet epochs', kind: 'int', help: 'trained once, before the first cell is scored', when: SUPERNET },
  { path: 'evaluator.validBatches', label: 'Validation batches per cell', kind: 'int', when: SUPERNET },
  { path: 'evaluator.batchSize', label: 'Batch size', kind: 'int', when: TRAINING },
  { path: 'evaluator.learningRate', label: 'Learning rate', kind: 'number', when: TRAINING },
  { path: 'evaluator.batchesPerEpoch', label: 'Batches per epoch (max)', kind: 'int', optional: true, help: 'cap an epoch for a quick run on a CPU', when: TRAINING },
  { path: 'seed', label: 'Seed', kind: 'int' },
];

/**
 * Run kinds the New-run form does not offer, because they start from something other than typed
 * values: an evaluation trains a given cell, so it starts from "Train this cell" on a finished
 * search's dashboard or in the Genotype view (and `cli evaluate`).
 */
export const STARTED_ELSEWHERE: readonly Algorithm[] = ['evaluation'];

/** SDARTS's perturbation radius, growing linearly over the search (both variants). */
const SDARTS_RADIUS_FIELDS: FieldSpec[] = [
  { path: 'epsilon', label: 'Perturbation radius at the end', kind: 'number' },
  { path: 'epsilonMin', label: 'Perturbation radius at the start', kind: 'number' },
];

export const RUN_FORMS: AlgorithmForm[] = [
  {
    algorithm: 'train',
    label: 'Train a small convnet',
    description: 'Plain SGD training of a small convnet: the quickest real run, a baseline and a check of the whole path.',
    fields: [
      { path: 'steps', label: 'Steps', kind: 'int' },
      { path: 'batchSize', label: 'Batch size', kind: 'int' },
      { path: 'learningRate', label: 'Learning rate', kind: 'number' },
      { path: 'momentum', label: 'Momentum', kind: 'number' },
      { path: 'channels', label: 'Channels', kind: 'int' },
      { path: 'evalEvery', label: 'Evaluate every (steps)', kind: 'int' },
      { path: 'seed', label: 'Seed', kind: 'int' },
      ...DATASET_FIELDS,
    ],
  },
  {
    algorithm: 'darts',
    label: 'DARTS',
    description: 'Differentiable architecture search (Liu et al., ICLR 2019) over the DARTS cell space; defaults are the authors\' code\'s.',
    fields: [{ path: 'unrolled', label: 'Second order (unrolled)', kind: 'boolean' }, ...ONE_SHOT_FIELDS],
  },
  {
    algorithm: 'sdarts-rs',
    label: 'SDARTS-RS',
    description: 'DARTS whose weight step sees randomly perturbed edge weights (Chen and Hsieh, ICML 2020): a smoother, more robust search.',
    fields: [...SDARTS_RADIUS_FIELDS, { path: 'unrolled', label: 'Second order (unrolled)', kind: 'boolean' }, ...ONE_SHOT_FIELDS],
  },
  {
    algorithm: 'sdarts-adv',
    label: 'SDARTS-ADV',
    description: 'DARTS whose weight step sees the worst edge weights a few PGD steps find within the radius (Chen and Hsieh, ICML 2020).',
    fields: [
      ...SDARTS_RADIUS_FIELDS,
      { path: 'attackSteps', label: 'PGD steps', kind: 'int' },
      { path: 'unrolled', label: 'Second order (unrolled)', kind: 'boolean' },
      ...ONE_SHOT_FIELDS,
    ],
  },
  {
    algorithm: 'drnas',
    label: 'DrNAS',
    description: 'Dirichlet-distributed edge weights learned by their pathwise gradient, with a KL pull to a prior (Chen et al., ICLR 2021).',
    fields: [
      { path: 'klScale', label: 'KL weight', kind: 'number' },
      { path: 'klPrior', label: 'Prior concentration', kind: 'number' },
      ...ONE_SHOT_FIELDS,
    ],
  },
  {
    algorithm: 'gdas',
    label: 'GDAS',
    description: 'One sampled op per edge (Gumbel-max, straight-through gradient; Dong and Yang, CVPR 2019): cheaper steps than DARTS.',
    fields: [
      { path: 'tauMax', label: 'Temperature at start', kind: 'number' },
      { path: 'tauMin', label: 'Temperature at end', kind: 'number' },
      ...ONE_SHOT_FIELDS,
    ],
  },
  {
    algorithm: 'snas',
    label: 'SNAS',
    description: 'Gumbel-softmax relaxed edges with an annealed temperature (Xie et al., ICLR 2019), with a choice of gradient estimator.',
    fields: [
      { path: 'estimator', label: 'Gradient estimator', kind: 'select', options: ['gumbel', 'sf', 'relax', 'ram'] },
      { path: 'temperature', label: 'Initial temperature', kind: 'number' },
      { path: 'temperatureDecay', label: 'Temperature decay per epoch', kind: 'number' },
      ...ONE_SHOT_FIELDS,
    ],
  },
  {
    algorithm: 'pvll',
    label: 'PVLL-NAS',
    description: 'Search in a learned proxy validation loss landscape (Li, Dong, Wang, Xu, ICML 2020), with the ablations of its Table 4.',
    fields: [
      { path: 'warmupSize', label: 'Warm-up architectures', kind: 'int' },
      { path: 'warmupBatches', label: 'Batches per warm-up epoch', kind: 'int' },
      { path: 'sampler', label: 'Sampler (ablation)', kind: 'boolean' },
      { path: 'warmup', label: 'Warm-up (ablation)', kind: 'boolean' },
      { path: 'weightedLoss', label: 'Weighted loss (ablation)', kind: 'boolean' },
      { path: 'unrolled', label: 'Second order', kind: 'boolean' },
      ...ONE_SHOT_FIELDS,
    ],
  },
  {
    algorithm: 'random',
    label: 'Random search',
    description: 'Uniformly sampled NAS-Bench-201 cells: the baseline every search must beat.',
    fields: [...BLACK_BOX_FIELDS],
  },
  {
    algorithm: 'rea',
    label: 'Regularized evolution',
    description: 'Aging evolution (Real et al., AAAI 2019): tournament selection, one-edge mutation, the oldest removed.',
    fields: [
      ...BLACK_BOX_FIELDS,
      { path: 'populationSize', label: 'Population', kind: 'int' },
      { path: 'sampleSize', label: 'Tournament size', kind: 'int' },
    ],
  },
  {
    algorithm: 'ls',
    label: 'Local search',
    description: 'Best-improvement local search over one-edge neighbours with random restarts (White, Nolen, Savani, UAI 2021).',
    fields: [...BLACK_BOX_FIELDS],
  },
  {
    algorithm: 'bananas',
    label: 'BANANAS (predictor-based)',
    description: 'Bayesian optimization with a performance predictor (MLP or GCN ensemble, Gaussian process, arch2vec) and path encoding (White et al., AAAI 2021).',
    fields: [
      ...BLACK_BOX_FIELDS,
      { path: 'numInit', label: 'Random initial cells', kind: 'int' },
      { path: 'acquisition', label: 'Acquisition', kind: 'select', options: ['its', 'ei', 'ucb', 'pi'] },
      { path: 'candidates', label: 'Candidates from', kind: 'select', options: ['mutation', 'random'] },
      { path: 'numCandidates', label: 'Candidates per round', kind: 'int' },
      { path: 'batchSize', label: 'Cells per predictor fit', kind: 'int' },
      { path: 'predictor.kind', label: 'Predictor', kind: 'select', options: [...PREDICTOR_KINDS] },
      { path: 'predictor.encoding', label: 'Encoding', kind: 'select', options: ['path', 'adjacency'] },
    ],
  },
];

export function formFor(algorithm: Algorithm): AlgorithmForm {
  const form = RUN_FORMS.find((f) => f.algorithm === algorithm);
  if (!form) throw new Error(`No New-run form for algorithm '${algorithm}': add one to RUN_FORMS`);
  return form;
}

/** What the form's inputs hold: text for text/select/number inputs, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

function readPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
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
 * The schema's defaults with the field at `path` set to `value`: for a union's discriminator
 * (`evaluator.kind`) zod picks that member and fills its defaults, so they are read, not written here.
 */
function defaultsWith(form: AlgorithmForm, path: string, value: string): unknown {
  const input: Record<string, unknown> = { algorithm: form.algorithm };
  writePath(input, path, value);
  const parsed = RunConfig.safeParse(input);
  if (!parsed.success) throw new Error(`The ${form.algorithm} form has no defaults for ${path} = '${value}': ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function formValue(field: FieldSpec, v: unknown): string | boolean {
  return field.kind === 'boolean' ? Boolean(v) : v === undefined ? '' : String(v);
}

/**
 * Input values for every field. A conditional field whose condition the config does not meet gets
 * the defaults of its first variant, so it holds something sensible when it is switched on; where
 * fields share a path (one label per variant), the one whose condition is met is filled last and wins.
 */
function valuesOf(form: AlgorithmForm, config: unknown): FormValues {
  const values: FormValues = {};
  const met = (f: FieldSpec): boolean => !f.when || allowed(f.when).includes(String(readPath(config, f.when.path)));
  for (const f of form.fields) {
    if (f.when && !met(f)) values[f.path] = formValue(f, readPath(defaultsWith(form, f.when.path, allowed(f.when)[0]), f.path));
  }
  for (const f of form.fields.filter(met)) values[f.path] = formValue(f, readPath(config, f.path));
  return values;
}

/** The schema's defaults for an algorithm, as initial input values. */
export function defaultValues(form: AlgorithmForm): FormValues {
  return valuesOf(form, RunConfig.parse({ algorithm: form.algorithm }));
}

/**
 * The values after the field at `path` changed to `value`. The fields that depend on it and belong
 * to the union member it picks (they sit in the same object: `evaluator.*` for `evaluator.kind`),
 * directly or through another conditional field, take the defaults of the member just chosen:
 * switching the evaluator from nb201-train to nb201-supernet gives the supernet's learning rate. A
 * conditional field outside that object (the budget, whose label says what a cell costs) keeps its value.
 */
export function changeValue(form: AlgorithmForm, values: FormValues, path: string, value: string | boolean): FormValues {
  const next: FormValues = { ...values, [path]: value };
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

/** The shared presets (src-shared/model/presets.ts) that configure this algorithm. */
export function presetNames(algorithm: Algorithm): string[] {
  return Object.entries(PRESETS)
    .filter(([, config]) => config.algorithm === algorithm)
    .map(([name]) => name);
}

/** A preset's values, the schema's defaults filling what it leaves out. */
export function presetValues(form: AlgorithmForm, name: string): FormValues {
  const preset = PRESETS[name];
  if (!preset || preset.algorithm !== form.algorithm) throw new Error(`No ${form.algorithm} preset named '${name}'`);
  return valuesOf(form, RunConfig.parse(preset));
}

/** One-shot forms search a space (their `space.*` fields); black-box forms query a fixed benchmark. */
export function takesSpace(form: AlgorithmForm): boolean {
  return form.fields.some((f) => f.path.startsWith('space.'));
}

/**
 * The fields to show and send: those whose condition holds for these values (default: the form's
 * defaults). A whole space carried over from the space editor (per-edge op lists, stem multiplier:
 * more than the form's `space.*` fields can say) replaces those fields.
 */
export function visibleFields(form: AlgorithmForm, space: SearchSpace | null, values: FormValues = defaultValues(form)): FieldSpec[] {
  const shown = form.fields.filter((f) => applies(form, f, values));
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
 * The RunConfig to send. Numbers are sent as typed, even when out of range, so the server's
 * validation (the one source of truth) names the problem; text that is not a number is sent as text
 * for the same reason. A carried `space` is sent whole, in place of the `space.*` fields.
 */
export function buildConfig(form: AlgorithmForm, values: FormValues, space: SearchSpace | null = null): RunConfigInput {
  const config: Record<string, unknown> = { algorithm: form.algorithm };
  for (const f of visibleFields(form, space, values)) {
    const raw = values[f.path];
    let value: unknown;
    if (f.kind === 'boolean') value = Boolean(raw);
    else {
      const text = String(raw ?? '').trim();
      if (text === '') continue;
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
