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
};

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

/** Black-box strategies query NAS-Bench-201's table: every form shares these. */
const BLACK_BOX_FIELDS: FieldSpec[] = [
  { path: 'budget', label: 'Budget (queries)', kind: 'int', help: 'distinct cells evaluated' },
  { path: 'evaluator.kind', label: 'Evaluator', kind: 'select', options: ['nb201-tabular'], help: 'NAS-Bench-201 lookup' },
  { path: 'evaluator.dataset', label: 'NAS-Bench-201 dataset', kind: 'select', options: ['cifar10', 'cifar100', 'imagenet16-120'] },
  { path: 'seed', label: 'Seed', kind: 'int' },
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
    description: 'Bayesian optimization with a neural predictor ensemble and path encoding (White et al., AAAI 2021).',
    fields: [
      ...BLACK_BOX_FIELDS,
      { path: 'numInit', label: 'Random initial cells', kind: 'int' },
      { path: 'acquisition', label: 'Acquisition', kind: 'select', options: ['its', 'ei', 'ucb', 'pi'] },
      { path: 'candidates', label: 'Candidates from', kind: 'select', options: ['mutation', 'random'] },
      { path: 'numCandidates', label: 'Candidates per round', kind: 'int' },
      { path: 'predictor.kind', label: 'Predictor', kind: 'select', options: ['mlp', 'gcn'] },
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

function valuesOf(form: AlgorithmForm, config: unknown): FormValues {
  const values: FormValues = {};
  for (const f of form.fields) {
    const v = readPath(config, f.path);
    values[f.path] = f.kind === 'boolean' ? Boolean(v) : v === undefined ? '' : String(v);
  }
  return values;
}

/** The schema's defaults for an algorithm, as initial input values. */
export function defaultValues(form: AlgorithmForm): FormValues {
  return valuesOf(form, RunConfig.parse({ algorithm: form.algorithm }));
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
 * The fields to show. A whole space carried over from the space editor (per-edge op lists, stem
 * multiplier: more than the form's `space.*` fields can say) replaces those fields.
 */
export function visibleFields(form: AlgorithmForm, space: SearchSpace | null): FieldSpec[] {
  return space && takesSpace(form) ? form.fields.filter((f) => !f.path.startsWith('space.')) : form.fields;
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
  for (const f of visibleFields(form, space)) {
    const raw = values[f.path];
    let value: unknown;
    if (f.kind === 'boolean') value = Boolean(raw);
    else {
      const text = String(raw ?? '').trim();
      if (text === '') continue;
      value = f.kind === 'int' || f.kind === 'number' ? (Number.isFinite(Number(text)) ? Number(text) : text) : text;
    }
    const keys = f.path.split('.');
    let node = config;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]] = value;
  }
  if (space && takesSpace(form)) config.space = space;
  return config as RunConfigInput;
}

/** The form field an AppError.field points at (`config.steps` → `steps`), or null. */
export function fieldOfError(field: string | undefined): string | null {
  if (!field) return null;
  return field.startsWith('config.') ? field.slice('config.'.length) : field;
}
