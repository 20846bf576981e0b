import { describe, expect, it } from 'vitest';
import { resolveEvaluation, type EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import { RunConfig } from '../../../src-shared/model/run-config';
import { publishedDartsCell } from '../../fixtures/published';

const NB201 = { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' } as const;
const parse = (input: object) => RunConfig.parse({ algorithm: 'evaluation', ...input }) as EvaluationConfig;

describe('evaluation config and presets', () => {
  it("'paper' is DARTS's train.py setting for a DARTS cell and NAS-Bench-201's recipe for an NB201 cell", () => {
    const darts = resolveEvaluation(parse({ preset: 'paper', genotype: publishedDartsCell('DARTS_V2') }));
    expect(darts.training).toEqual({
      channels: 36, layers: 20, network: 'cifar', epochs: 600, batchSize: 96, learningRate: 0.025, learningRateMin: 0,
      momentum: 0.9, nesterov: false, weightDecay: 3e-4, gradClip: 5, auxiliaryWeight: 0.4, dropPathProb: 0.2, recompute: true, dataParallel: 1,
    });
    expect(darts.dataset).toMatchObject({ name: 'cifar10', augment: { cropPadding: 4, horizontalFlip: true, cutout: 16 } });
    const nb201 = resolveEvaluation(parse({ preset: 'paper', genotype: NB201 }));
    expect(nb201.training).toMatchObject({ channels: 16, layers: 5, epochs: 200, batchSize: 256, learningRate: 0.1, nesterov: true, weightDecay: 5e-4, auxiliaryWeight: 0, dropPathProb: 0, gradClip: 0, recompute: false });
  });

  it('applies overrides and a dataset over the preset, and refuses what NAS-Bench-201 cells cannot have', () => {
    const c = resolveEvaluation(parse({ preset: 'fmnist-cpu', genotype: publishedDartsCell('DARTS_V2'), training: { epochs: 2 }, dataset: { name: 'embedded' } }));
    expect(c.training).toMatchObject({ epochs: 2, channels: 16, layers: 8 });
    expect(c.dataset.name).toBe('embedded');
    expect(() => resolveEvaluation(parse({ genotype: NB201, training: { auxiliaryWeight: 0.4 } }))).toThrow(/no auxiliary head/);
    expect(() => resolveEvaluation(parse({ genotype: NB201, training: { recompute: true } }))).toThrow(/no recompute/);
    expect(() => resolveEvaluation(parse({ genotype: NB201, training: { learningRate: 0.01, learningRateMin: 0.1 } }))).toThrow(/learningRateMin \(0.1\) is above learningRate/);
    expect(() => parse({ genotype: NB201, preset: 'huge' })).toThrow();
  });
});
