import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src-main/cli/run-command';
import { PRESETS } from '../../../src-shared/model/presets';
import { EVALUATION_PRESETS, EvaluationConfig, EvaluationTraining } from '../../../src-shared/model/algorithms/evaluation';
import { PREDICTOR_KINDS } from '../../../src-shared/model/algorithms/blackbox';
import { RunConfig } from '../../../src-shared/model/run-config';
import { fieldsOfSchema } from '../../../src-renderer/forms/schema-fields';
import { checkForm } from '../../../src-renderer/forms/check-form';
import {
  RUN_FORMS, buildConfig, changeValue, defaultValues, formFor, presetDraft, readPath, visibleFields, type AlgorithmForm, type FieldSpec, type FormValues,
} from '../../../src-renderer/forms/run-forms';

/** Values with the field's condition (and its controller's) met: each controller set to the first value the field allows. */
function valuesShowing(form: AlgorithmForm, field: FieldSpec): FormValues {
  let values = defaultValues(form);
  const chain: FieldSpec[] = [];
  // A select may have one field per variant (the evaluator kinds per search space): the one offering the value.
  const first = (f: FieldSpec): string => (typeof f.when!.equals === 'string' ? f.when!.equals : f.when!.equals[0]);
  const controllerOf = (f: FieldSpec): FieldSpec | undefined => form.fields.find((c) => c.path === f.when!.path && (!c.options || c.options.includes(first(f))));
  for (let f: FieldSpec | undefined = field; f?.when; f = controllerOf(f)) chain.unshift(f);
  for (const f of chain) {
    const controller = controllerOf(f)!;
    const equals = first(f);
    values = changeValue(form, values, controller.path, controller.kind === 'toggle' ? equals === 'true' : equals);
  }
  // DARTS-ES needs the Hessian; a dataset other than the embedded one needs a folder.
  if (values.earlyStop === true) values.hessianEvery = '1';
  return values;
}

/** The issue codes the schema itself raises at the field's path for this typed value. */
function codesAt(form: AlgorithmForm, field: FieldSpec, value: number): string[] {
  const values = { ...valuesShowing(form, field), [field.path]: String(value) };
  const result = RunConfig.safeParse(buildConfig(form, values));
  return (result.error?.issues ?? []).filter((i) => i.path.join('.') === field.path).map((i) => i.code);
}

const numeric = (form: AlgorithmForm) => form.fields.filter((f) => f.kind === 'int' || f.kind === 'number').map((f) => [form.algorithm, f.path, f, form] as const);
const ALL_NUMERIC = RUN_FORMS.flatMap(numeric);

describe('form fields read from the schema', () => {
  it.each(ALL_NUMERIC)('%s %s: the bounds the field states are the ones the schema enforces, no more, no less', (_a, _p, field, form) => {
    const step = field.kind === 'int' ? 1 : 1e-9;
    if (field.min !== undefined) {
      expect(codesAt(form, field, field.min)).not.toContain('too_small');
      expect(codesAt(form, field, field.min - step)).toContain('too_small');
    } else if (field.exclusiveMin !== undefined) {
      expect(codesAt(form, field, field.exclusiveMin)).toContain('too_small');
      expect(codesAt(form, field, field.exclusiveMin + (field.kind === 'int' ? 1 : 1e-6))).not.toContain('too_small');
    } else expect(codesAt(form, field, -1e9)).not.toContain('too_small');
    if (field.max !== undefined) {
      expect(codesAt(form, field, field.max)).not.toContain('too_big');
      expect(codesAt(form, field, field.max + step)).toContain('too_big');
    } else if (field.exclusiveMax !== undefined) {
      expect(codesAt(form, field, field.exclusiveMax)).toContain('too_big');
      expect(codesAt(form, field, field.exclusiveMax - 1e-6)).not.toContain('too_big');
    } else expect(codesAt(form, field, 1e9)).not.toContain('too_big');
    // An int field refuses a fraction; a number field takes one.
    if (field.kind === 'int') expect(codesAt(form, field, (field.min ?? 0) + 1.5)).toContain('invalid_type');
  });

  it('each field starts at the default zod fills in for its variant', () => {
    for (const form of RUN_FORMS) {
      // A form-only choice (the black-box search space) is never sent, so zod has no default for it;
      // the evaluator kind it narrows starts at its space's first kind (zod's default is NB201's table).
      const formOnly = (f: FieldSpec) => !!f.narrows || !!form.fields.find((c) => c.path === f.when?.path)?.narrows;
      for (const field of form.fields.filter((f) => f.kind !== 'toggle' && !formOnly(f))) {
        const values = valuesShowing(form, field);
        const parsed = RunConfig.parse(buildConfig(form, { ...values, [field.path]: field.kind === 'boolean' ? values[field.path] : '' }));
        const expected = readPath(parsed, field.path);
        const shown = values[field.path];
        expect(shown, `${form.algorithm} ${field.path}`).toBe(field.kind === 'boolean' ? expected : expected === undefined ? '' : String(expected));
      }
    }
  });

  it('takes labels, help and options from the schemas\' metadata, including DARTS-ES and every method\'s own fields', () => {
    const darts = formFor('darts');
    const byPath = (form: AlgorithmForm, path: string) => form.fields.find((f) => f.path === path);
    expect(byPath(darts, 'earlyStop')).toMatchObject({ kind: 'toggle', label: 'Early stop (DARTS-ES)' });
    expect(byPath(darts, 'earlyStop.factor')).toMatchObject({ kind: 'number', min: 0, when: { path: 'earlyStop', equals: 'true' } });
    expect(byPath(darts, 'hessianEvery')).toMatchObject({ label: 'Hessian eigenvalue every (epochs)', min: 0, help: expect.stringContaining('0: never') });
    expect(byPath(darts, 'trainPortion')).toMatchObject({ exclusiveMin: 0, exclusiveMax: 1 });
    expect(byPath(darts, 'reportEvery')).toMatchObject({ kind: 'int', min: 1 });
    expect(byPath(darts, 'hessianIters')).toMatchObject({ kind: 'int', min: 1, max: 200 });
    expect(byPath(darts, 'space.kind')).toMatchObject({ kind: 'select', options: ['darts', 'nb201'] });
    expect(byPath(formFor('snas'), 'estimator')).toMatchObject({ kind: 'select', options: ['gumbel', 'sf', 'relax', 'ram'], label: 'Gradient estimator' });
    expect(byPath(formFor('gdas'), 'tauMin')).toMatchObject({ label: 'Temperature at the end', exclusiveMin: 0 });
    expect(byPath(formFor('pvll'), 'earlyStop')).toBeUndefined();
    expect(byPath(formFor('gdas'), 'earlyStop')).toBeDefined();
    expect(byPath(formFor('drnas'), 'klScale')).toMatchObject({ label: 'KL weight', min: 0 });
    expect(byPath(formFor('sdarts-adv'), 'attackSteps')).toMatchObject({ min: 1, max: 50 });
    expect(byPath(formFor('bananas'), 'predictor.kind')).toMatchObject({ options: [...PREDICTOR_KINDS] });
    expect(byPath(formFor('rea'), 'evaluator.validBatches')?.when).toEqual({ path: 'evaluator.kind', equals: ['nb201-supernet', 'darts-supernet'] });
    // No field of any form is left without a title: a humanized key would betray a missing `.meta`.
    for (const form of RUN_FORMS) for (const f of form.fields) expect(f.label, `${form.algorithm} ${f.path}`).not.toBe('');
  });


  it('reads the evaluation recipe\'s overrides from its schema too (for the panels that start evaluations)', () => {
    const fields = fieldsOfSchema(EvaluationConfig);
    const training = fields.filter((f) => f.path.startsWith('training.'));
    expect(training.map((f) => f.path)).toEqual(Object.keys(EvaluationTraining.shape).map((k) => `training.${k}`));
    expect(training.find((f) => f.path === 'training.dropPathProb')).toMatchObject({ label: 'Drop-path probability', min: 0, max: 0.9, optional: true });
    expect(fields.find((f) => f.path === 'preset')).toMatchObject({ kind: 'select', options: [...EVALUATION_PRESETS] });
  });
});

describe('presets: the UI sends exactly what the CLI runs', () => {
  it.each(Object.keys(PRESETS))('%s', (name) => {
    const cli = loadRunConfig({ preset: name, json: false }, PRESETS);
    const form = formFor(cli.algorithm);
    const draft = presetDraft(form, name);
    const ui = RunConfig.parse(buildConfig(form, draft.values, null, draft.base));
    expect(ui).toEqual(cli);
    // What the inputs show is the preset, too (the issue: the UI's quick sent reportEvery 50, hessianIters 20).
    for (const f of visibleFields(form, null, draft.values)) {
      if (f.kind === 'toggle') continue;
      // The search space is a form-only choice: the one whose evaluators hold the preset's.
      if (f.narrows) {
        expect(f.narrows.options[String(draft.values[f.path])], `${name} ${f.path}`).toContain(readPath(cli, f.narrows.path));
        continue;
      }
      const v = readPath(cli, f.path);
      expect(draft.values[f.path], `${name} ${f.path}`).toBe(f.kind === 'boolean' ? v : v === undefined ? '' : String(v));
    }
  });

  it('quick keeps its report and Hessian cadence in the UI', () => {
    const draft = presetDraft(formFor('darts'), 'quick');
    expect(draft.values.reportEvery).toBe('2');
    expect(draft.values.hessianIters).toBe('3');
  });
});

describe('checking as the user types', () => {
  it('puts the schema\'s own message under the field, without any prefix', () => {
    const form = formFor('train');
    const expected = RunConfig.safeParse({ algorithm: 'train', steps: 0 }).error!.issues[0].message;
    const check = checkForm(form, { ...defaultValues(form), steps: '0' }, null, {});
    expect(check.config).toBeNull();
    expect(check.fieldErrors).toEqual({ steps: expected });
    expect(expected).toMatch(/>=\s*1/);
  });

  it('maps cross-field and nested problems to their inputs', () => {
    const form = formFor('darts');
    // hessianEvery 0 (on by default): DARTS-ES then has no eigenvalue to watch.
    const values = changeValue(form, { ...defaultValues(form), learningRateMin: '1', 'dataset.name': 'mnist', hessianEvery: '0' }, 'earlyStop', true);
    const check = checkForm(form, values, null, {});
    expect(check.fieldErrors.learningRateMin).toBe('learningRateMin (1) must not exceed learningRate (0.025)');
    expect(check.fieldErrors['dataset.dir']).toMatch(/dataset 'mnist' needs "dir"/);
    expect(check.fieldErrors.earlyStop).toMatch(/set hessianEvery to a positive number/);
    expect(check.fieldErrors['space.channels']).toBeUndefined();
    const odd = checkForm(form, { ...defaultValues(form), 'space.channels': '5' }, null, {});
    expect(odd.otherErrors).toEqual(['space: channels must be even (FactorizedReduce splits them in two halves), got 5']);
    expect(checkForm(form, defaultValues(form), null, {}).config).toEqual(RunConfig.parse({ algorithm: 'darts' }));
  });
});
