import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { TrainConfig } from '../../../src-shared/model/algorithms/train';
import { DartsSupernetEvaluatorConfig, DartsTrainingEvaluatorConfig, Nb201SupernetEvaluatorConfig, Nb201TabularEvaluatorConfig, Nb201TrainingEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
import {
  CELL_SPACE_PATH, RUN_FORMS, STARTED_ELSEWHERE, buildConfig, changeValue, configDraft, defaultValues, fieldOfError, formFor, presetDraft, presetNames, visibleFields, type AlgorithmForm, type FormValues,
} from '../../../src-renderer/forms/run-forms';

/** The values a form holds after each choice its variant selects offer (e.g. each evaluator kind). */
function variants(form: AlgorithmForm): FormValues[] {
  const controllers = [...new Set(form.fields.flatMap((f) => (f.when ? [f.when.path] : [])))];
  let all = [defaultValues(form)];
  for (const path of controllers) {
    const controller = form.fields.find((f) => f.path === path);
    const options: (string | boolean)[] = controller?.kind === 'toggle' ? [false, true] : [...(controller?.options ?? [])];
    all = all.flatMap((values) => options.map((o) => changeValue(form, values, path, o)));
  }
  return all;
}

describe('New-run form descriptions', () => {
  it('has one form per algorithm of the RunConfig union, except the run kinds started from a cell', () => {
    const algorithms = RunConfig.options
      .map((o) => o.shape.algorithm.value)
      .filter((a) => !STARTED_ELSEWHERE.includes(a))
      .sort();
    expect(STARTED_ELSEWHERE).toEqual(['evaluation']);
    expect(RUN_FORMS.map((f) => f.algorithm).sort()).toEqual(algorithms);
  });

  it('takes its initial values from the schema defaults', () => {
    const values = defaultValues(formFor('train'));
    const defaults = RunConfig.parse({ algorithm: 'train' }) as TrainConfig;
    expect(values.steps).toBe(String(defaults.steps));
    expect(values.learningRate).toBe(String(defaults.learningRate));
    expect(values['dataset.name']).toBe(defaults.dataset.name);
    expect(values['dataset.dir']).toBe('');
  });

  it('sends the defaults back as a config the schema parses to the defaults', () => {
    for (const form of RUN_FORMS) {
      const config = buildConfig(form, defaultValues(form));
      expect(RunConfig.parse(config)).toEqual(RunConfig.parse({ algorithm: form.algorithm }));
    }
  });

  it('names only paths the schema knows (a drifted field path is rejected as unknown)', () => {
    for (const form of RUN_FORMS) {
      for (const values of variants(form)) {
        for (const f of form.fields) if (f.kind === 'int' && values[f.path] === '') values[f.path] = '1';
        values['dataset.dir'] = values['evaluator.dataset.dir'] = '/data';
        if (values.earlyStop === true) values.hessianEvery = '1';
        const config = buildConfig(form, values);
        expect(RunConfig.safeParse(config).error, JSON.stringify(config)).toBeUndefined();
      }
    }
  });

  it('nests dotted paths, omits empty optional inputs and passes bad numbers through for the server to name', () => {
    const form = formFor('train');
    const values = { ...defaultValues(form), steps: ' 60 ', evalEvery: '20', learningRate: 'fast', 'dataset.name': 'mnist', 'dataset.dir': '/d' };
    const config = buildConfig(form, values) as Record<string, unknown>;
    expect(config.steps).toBe(60);
    expect(config.learningRate).toBe('fast');
    expect(config.dataset).toEqual({ name: 'mnist', dir: '/d', augment: { cropPadding: 0, horizontalFlip: false, cutout: 0 } });
    expect(config.dataset).not.toHaveProperty('trainLimit');
    const result = RunConfig.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['learningRate']);
  });

  it('maps the server error field to the form field', () => {
    expect(fieldOfError('config.steps')).toBe('steps');
    expect(fieldOfError('config.dataset.dir')).toBe('dataset.dir');
    expect(fieldOfError('name')).toBe('name');
    expect(fieldOfError(undefined)).toBeNull();
  });

  it('refuses to clone a stored config the schema no longer takes, saying why', () => {
    expect(() => configDraft(formFor('train'), { algorithm: 'train', steps: 0 })).toThrow(/its config no longer fits the train schema: steps: Too small/);
  });

  it('every algorithm the form offers has a shared preset', () => {
    for (const form of RUN_FORMS) expect(presetNames(form.algorithm).length, form.algorithm).toBeGreaterThan(0);
    expect(() => presetDraft(formFor('train'), 'no-such-preset')).toThrow(/No train preset named 'no-such-preset'/);
  });
});

describe('Conditional fields: the black-box evaluator kinds', () => {
  const KINDS = {
    'nb201-tabular': Nb201TabularEvaluatorConfig,
    'nb201-train': Nb201TrainingEvaluatorConfig,
    'nb201-supernet': Nb201SupernetEvaluatorConfig,
  } as const;
  const keysOf = (kind: keyof typeof KINDS): string[] => Object.keys(KINDS[kind].shape);

  it('offers the three NAS-Bench-201 kinds in every black-box form while the search space is NB201 (the default)', () => {
    for (const algorithm of ['random', 'rea', 'ls', 'bananas'] as const) {
      const form = formFor(algorithm);
      const values = defaultValues(form);
      expect(values[CELL_SPACE_PATH]).toBe('nb201');
      expect(visibleFields(form, null, values).find((f) => f.path === 'evaluator.kind')?.options).toEqual(Object.keys(KINDS));
    }
  });

  it('for each kind, builds from its defaults a config that parses to that kind\'s schema defaults and holds no key of another kind', () => {
    for (const algorithm of ['random', 'rea', 'ls', 'bananas'] as const) {
      const form = formFor(algorithm);
      for (const kind of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
        // Through another kind first, so that kind's values are in the form but must not be sent.
        const other = kind === 'nb201-train' ? 'nb201-supernet' : 'nb201-train';
        const values = changeValue(form, changeValue(form, defaultValues(form), 'evaluator.kind', other), 'evaluator.kind', kind);
        const config = buildConfig(form, values) as Record<string, unknown>;
        expect(RunConfig.parse(config)).toEqual(RunConfig.parse({ algorithm, evaluator: { kind } }));
        const sent = Object.keys(config.evaluator as object);
        expect(sent.every((k) => keysOf(kind).includes(k)), `${kind} sent ${sent.join(', ')}`).toBe(true);
        expect(sent).toContain('kind');
        if (kind === 'nb201-tabular') expect(typeof (config.evaluator as { dataset: unknown }).dataset).toBe('string');
      }
    }
  });

  it('hides a field whose condition fails, shows it when it holds, and never shows one path twice', () => {
    const form = formFor('random');
    const shown = (values: FormValues): string[] => visibleFields(form, null, values).map((f) => f.path);
    const tabular = defaultValues(form);
    expect(shown(tabular)).toContain('evaluator.dataset');
    expect(shown(tabular)).not.toContain('evaluator.channels');
    const supernet = changeValue(form, tabular, 'evaluator.kind', 'nb201-supernet');
    expect(shown(supernet)).toEqual(expect.arrayContaining(['evaluator.supernetEpochs', 'evaluator.validBatches', 'evaluator.dataset.name', 'evaluator.channels']));
    expect(shown(supernet)).not.toContain('evaluator.epochs');
    expect(shown(supernet)).not.toContain('evaluator.dataset');
    const train = changeValue(form, supernet, 'evaluator.kind', 'nb201-train');
    expect(shown(train)).toContain('evaluator.epochs');
    expect(shown(train)).not.toContain('evaluator.validBatches');
    for (const values of [tabular, supernet, train]) expect(new Set(shown(values)).size).toBe(shown(values).length);
  });

  it('switching the kind loads that kind\'s defaults for a field two kinds share, and keeps the fields outside the union', () => {
    const form = formFor('random');
    const train = changeValue(form, { ...defaultValues(form), seed: '7', budget: '9' }, 'evaluator.kind', 'nb201-train');
    expect(train['evaluator.learningRate']).toBe(String(KINDS['nb201-train'].parse({ kind: 'nb201-train' }).learningRate));
    const typed = { ...train, 'evaluator.learningRate': '0.3' };
    const supernet = changeValue(form, typed, 'evaluator.kind', 'nb201-supernet');
    expect(supernet['evaluator.learningRate']).toBe(String(Nb201SupernetEvaluatorConfig.parse({ kind: 'nb201-supernet' }).learningRate));
    expect(supernet['evaluator.learningRate']).not.toBe(train['evaluator.learningRate']);
    expect(supernet.seed).toBe('7');
    expect(supernet.budget).toBe('9');
  });

  it('sends tiny supernet settings typed into the form as the config they say', () => {
    const form = formFor('random');
    const values = changeValue(form, defaultValues(form), 'evaluator.kind', 'nb201-supernet');
    const typed = { ...values, budget: '5', 'evaluator.channels': '4', 'evaluator.cellsPerStage': '1', 'evaluator.dataset.trainLimit': '600', 'evaluator.supernetEpochs': '1', 'evaluator.validBatches': '2' };
    const config = RunConfig.parse(buildConfig(form, typed));
    expect(config).toMatchObject({ budget: 5, evaluator: { kind: 'nb201-supernet', channels: 4, cellsPerStage: 1, supernetEpochs: 1, validBatches: 2, dataset: { name: 'embedded', trainLimit: 600 } } });
  });
});

describe('The black-box search space: the evaluator kinds follow it', () => {
  const shown = (form: AlgorithmForm, values: FormValues): string[] => visibleFields(form, null, values).map((f) => f.path);

  it('picking the DARTS space offers the two DARTS evaluators, and sends the space with its kind', () => {
    for (const algorithm of ['random', 'rea', 'ls', 'bananas'] as const) {
      const form = formFor(algorithm);
      const darts = changeValue(form, defaultValues(form), CELL_SPACE_PATH, 'darts');
      expect(darts['evaluator.kind']).toBe('darts-train');
      expect(visibleFields(form, null, darts).find((f) => f.path === 'evaluator.kind')?.options).toEqual(['darts-train', 'darts-supernet']);
      expect(shown(form, darts)).toEqual(expect.arrayContaining(['evaluator.space.nodes', 'evaluator.space.layers', 'evaluator.space.channels', 'evaluator.epochs']));
      expect(shown(form, darts)).not.toContain('evaluator.cellsPerStage');
      // The space's kind has no input but is sent: the defaults a config file would get from the schema.
      const config = buildConfig(form, darts) as { evaluator: Record<string, unknown> };
      expect(config).not.toHaveProperty(CELL_SPACE_PATH);
      expect(RunConfig.parse(config)).toEqual(RunConfig.parse({ algorithm, evaluator: DartsTrainingEvaluatorConfig.parse({ kind: 'darts-train' }) }));
      const supernet = changeValue(form, darts, 'evaluator.kind', 'darts-supernet');
      expect(supernet['evaluator.learningRateMin']).toBe(String(DartsSupernetEvaluatorConfig.parse({ kind: 'darts-supernet' }).learningRateMin));
      expect(RunConfig.parse(buildConfig(form, supernet))).toEqual(RunConfig.parse({ algorithm, evaluator: { kind: 'darts-supernet' } }));
      // Back to NB201: its first evaluator again, and no DARTS field sent.
      const back = changeValue(form, supernet, CELL_SPACE_PATH, 'nb201');
      expect(back['evaluator.kind']).toBe('nb201-tabular');
      expect(RunConfig.parse(buildConfig(form, back))).toEqual(RunConfig.parse({ algorithm }));
    }
  });

  it('typed DARTS space settings go into the evaluator\'s space; a stored DARTS-space run reads back as the DARTS space', () => {
    const form = formFor('random');
    const darts = changeValue(form, defaultValues(form), CELL_SPACE_PATH, 'darts');
    const typed = { ...darts, budget: '3', 'evaluator.space.channels': '4', 'evaluator.space.layers': '2', 'evaluator.space.nodes': '2', 'evaluator.epochs': '1', 'evaluator.batchesPerEpoch': '2' };
    const config = RunConfig.parse(buildConfig(form, typed));
    expect(config).toMatchObject({ budget: 3, evaluator: { kind: 'darts-train', batchesPerEpoch: 2, space: { kind: 'darts', channels: 4, layers: 2, nodes: 2, stemMultiplier: 3 } } });
    const again = configDraft(form, config);
    expect(again.values[CELL_SPACE_PATH]).toBe('darts');
    expect(again.values['evaluator.kind']).toBe('darts-train');
    expect(again.values['evaluator.space.channels']).toBe('4');
    expect(RunConfig.parse(buildConfig(form, again.values, null, again.base))).toEqual(config);
    // An NB201 run reads back as NB201.
    expect(configDraft(form, RunConfig.parse({ algorithm: 'random', evaluator: { kind: 'nb201-train' } })).values[CELL_SPACE_PATH]).toBe('nb201');
  });
});
