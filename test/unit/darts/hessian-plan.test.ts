import { describe, expect, it } from 'vitest';
import { hessianPlan } from '../../../src-shared/model/algorithms/one-shot';
import { PRESETS } from '../../../src-shared/model/presets';
import { RunConfig } from '../../../src-shared/model/run-config';

describe('the Hessian eigenvalue by default on every differentiable search, with its cost stated', () => {
  it('every one-shot algorithm measures it each epoch unless told otherwise', () => {
    for (const algorithm of ['darts', 'gdas', 'snas', 'pvll', 'drnas', 'sdarts-rs', 'sdarts-adv']) {
      const config = RunConfig.parse({ algorithm }) as { hessianEvery: number; hessianIters: number };
      expect([algorithm, config.hessianEvery, config.hessianIters]).toEqual([algorithm, 1, 20]);
    }
  });

  it('states 2 passes per power iteration as a share of the epoch\'s weight passes', () => {
    // Quick preset: 3 iterations every 2 epochs of 8 steps: 6 passes over 16 = 37.5 %.
    const quick = RunConfig.parse(PRESETS.quick) as { hessianEvery: number; hessianIters: number };
    expect(hessianPlan(quick, 8)).toMatch(/every 2 epochs: 6 forward\+backward passes .* ≈ 38 % on top of an epoch's 8 weight-training passes/);
    // DARTS's CIFAR-10 search with the defaults: 40 passes each epoch of 391 steps = 10.2 %.
    expect(hessianPlan({ hessianEvery: 1, hessianIters: 20 }, 391)).toMatch(/every epoch: 40 forward\+backward passes .* ≈ 10 % on top of an epoch's 391/);
    expect(hessianPlan({ hessianEvery: 0, hessianIters: 20 }, 391)).toMatch(/off \(hessianEvery 0\)/);
  });
});
