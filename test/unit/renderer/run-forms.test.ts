import { describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import type { TrainConfig } from '../../../src-shared/model/algorithms/train';
import { PRESETS } from '../../../src-shared/model/presets';
import { RUN_FORMS, buildConfig, defaultValues, fieldOfError, formFor, presetNames, presetValues } from '../../../src-renderer/forms/run-forms';

describe('New-run form descriptions', () => {
  it('has one form per algorithm of the RunConfig union', () => {
    const algorithms = RunConfig.options.map((o) => o.shape.algorithm.value).sort();
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
      const values = defaultValues(form);
      for (const f of form.fields) if (f.kind === 'int' && values[f.path] === '') values[f.path] = '1';
      values['dataset.dir'] = '/data';
      expect(RunConfig.safeParse(buildConfig(form, values)).success).toBe(true);
    }
  });

  it('nests dotted paths, omits empty optional inputs and passes bad numbers through for the server to name', () => {
    const form = formFor('train');
    const values = { ...defaultValues(form), steps: ' 60 ', evalEvery: '20', learningRate: 'fast', 'dataset.name': 'mnist', 'dataset.dir': '/d' };
    const config = buildConfig(form, values) as Record<string, unknown>;
    expect(config.steps).toBe(60);
    expect(config.learningRate).toBe('fast');
    expect(config.dataset).toEqual({ name: 'mnist', dir: '/d' });
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

  it('fills a preset over the schema defaults and sends it back unchanged', () => {
    const form = formFor('train');
    const names = presetNames('train');
    expect(names).toEqual(Object.keys(PRESETS).filter((n) => PRESETS[n].algorithm === 'train'));
    for (const name of names) {
      const config = buildConfig(form, presetValues(form, name));
      expect(RunConfig.parse(config)).toEqual(RunConfig.parse(PRESETS[name]));
    }
    expect(() => presetValues(form, 'no-such-preset')).toThrow(/No train preset named 'no-such-preset'/);
  });
});
