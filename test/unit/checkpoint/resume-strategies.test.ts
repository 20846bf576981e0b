import { beforeAll, describe, expect, it } from 'vitest';
import { initBackends } from '../backend/compare';
import { expectResumeExact } from './harness';

beforeAll(initBackends);

/**
 * Resume equals the uninterrupted run, for every strategy of the registry (see harness.ts for the
 * property). Sizes are the smallest that exercise each method: a few batches of the embedded
 * Fashion-MNIST sample, two or three epochs, so a mid-epoch step, an epoch's last step and a step in
 * a later epoch are all restored from.
 */
const data = { dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 } };
const TINY_DARTS = { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 };
const TINY_NB201 = { kind: 'nb201', ops: ['none', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3'], channels: 2, cellsPerStage: 1 };
/**
 * Two epochs of two batches: step 1 is mid-epoch, 2 ends an epoch, 3 is mid-epoch of the last. The
 * Hessian eigenvalue is on by default (each epoch); 2 power iterations keep it cheap.
 */
const oneShot = { ...data, batchSize: 4, epochs: 2, batchesPerEpoch: 2, validBatches: 1, reportEvery: 1, seed: 5, hessianIters: 2 };

describe('resume of plain training', () => {
  it('continues exactly from mid-epoch and epoch-end checkpoints', async () => {
    // Plain training draws from all 48 images: 6 batches of 8 per epoch, so 8 steps cross one epoch's end.
    const { epochEnds } = await expectResumeExact({ algorithm: 'train', ...data, steps: 8, batchSize: 8, evalEvery: 3, channels: 2, seed: 3 }, [2, 6, 7]);
    expect(epochEnds).toContain(6);
  });
});

describe('resume of one-shot search', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['DARTS first order (DARTS space, Hessian eigenvalue each epoch)', { algorithm: 'darts', space: TINY_DARTS, hessianEvery: 1, hessianIters: 2 }],
    ['DARTS second order (NB201 space)', { algorithm: 'darts', space: TINY_NB201, unrolled: true }],
    ['GDAS', { algorithm: 'gdas', space: TINY_DARTS }],
    ['SNAS gumbel', { algorithm: 'snas', space: TINY_NB201, estimator: 'gumbel', varianceDraws: 2 }],
    ['SNAS sf', { algorithm: 'snas', space: TINY_NB201, estimator: 'sf', varianceDraws: 2 }],
    ['SNAS relax', { algorithm: 'snas', space: TINY_NB201, estimator: 'relax', varianceDraws: 2 }],
    ['SNAS ram', { algorithm: 'snas', space: TINY_NB201, estimator: 'ram', varianceDraws: 2 }],
    ['SDARTS-RS', { algorithm: 'sdarts-rs', space: TINY_DARTS }],
    ['SDARTS-ADV (second order)', { algorithm: 'sdarts-adv', space: TINY_NB201, unrolled: true, attackSteps: 2 }],
    ['DrNAS (Hessian eigenvalue each epoch)', { algorithm: 'drnas', space: TINY_DARTS, hessianEvery: 1, hessianIters: 2 }],
    // Stage 2 from epoch 1: the checkpoint at step 2 is the first stage's end, step 3's holds the pruned, wider network.
    ['DrNAS progressive (K 2 → 1, 4 → 2 ops)', { algorithm: 'drnas', space: TINY_DARTS, progressive: { firstPartialChannels: 2, secondPartialChannels: 1, keepOps: 2, firstStageEpochs: 1, archWarmupEpochs: 0 } }],
    ['PC-DARTS (K=2, α from epoch 1)', { algorithm: 'pcdarts', space: TINY_DARTS, partialChannels: 2, archWarmupEpochs: 1 }],
    ['SDARTS-ADV on PC-DARTS', { algorithm: 'sdarts-adv', space: TINY_DARTS, partialChannels: 2, attackSteps: 2 }],
    ['NASP (size penalty, Hessian eigenvalue each epoch)', { algorithm: 'nasp', space: TINY_DARTS, sizePenalty: 0.1, hessianEvery: 1, hessianIters: 2 }],
    ['ProxylessNAS (α every batch from epoch 1)', { algorithm: 'proxyless', space: TINY_NB201, archUpdateEvery: 1, archWarmupEpochs: 1 }],
  ];
  for (const [name, config] of cases) {
    it(`${name} continues exactly from steps 1, 2 (epoch end) and 3`, async () => {
      const { epochEnds } = await expectResumeExact({ ...oneShot, ...config }, [1, 2, 3]);
      expect(epochEnds).toEqual([2, 4]);
    });
  }

  it('DARTS-PT continues exactly from the search, a decision round and a fine-tuning step', async () => {
    // 2 nodes: 5 edges and 1 topology node = 6 rounds, 1 epoch (2 batches) of fine-tuning between: 4 + 6 + 5·2 = 20 steps.
    const { epochEnds, totalSteps } = await expectResumeExact({ algorithm: 'darts-pt', ...oneShot, space: { ...TINY_DARTS, nodes: 2 }, projectionInterval: 1 }, [3, 6, 17]);
    expect(totalSteps).toBe(20);
    expect(epochEnds).toEqual([2, 4, 5, 8, 11, 14, 17, 20]);
  });

  it('DARTS-PT with α fixed (NB201, no fine-tuning) continues exactly', async () => {
    const { totalSteps } = await expectResumeExact({ algorithm: 'darts-pt', ...oneShot, space: TINY_NB201, fixAlpha: true, projectionInterval: 0 }, [2, 6]);
    expect(totalSteps).toBe(4 + 6);
  });

  it('DARTS-ES continues exactly, its eigenvalue trace and answer included', async () => {
    // Factor 0 from epoch 0: the search stops at epoch 2 if the first eigenvalue is positive, else runs on.
    const es = { algorithm: 'darts', ...oneShot, epochs: 3, space: TINY_NB201, hessianEvery: 1, hessianIters: 2, earlyStop: { factor: 0, window: 1, delta: 1, startEpoch: 0 } };
    await expectResumeExact(es, [1, 2, 3]);
  });

  it('few-shot NAS continues exactly from the split, inside a sub-supernet and between two', async () => {
    // One-shot warm-up of 1 epoch (2 steps), then 2 sub-supernets of normal edge 0 of 1 epoch each; no
    // Hessian (the DARTS cases cover it), so the six steps stay cheap.
    const fewshot = { algorithm: 'fewshot', ...oneShot, space: TINY_DARTS, warmupEpochs: 1, epochs: 1, splitOps: ['max_pool_3x3', 'sep_conv_3x3'], hessianEvery: 0 };
    const { epochEnds, totalSteps } = await expectResumeExact(fewshot, [2, 3, 4]);
    expect(totalSteps).toBe(6);
    expect(epochEnds).toEqual([2, 4, 6]);
  });

  it('PVLL-NAS continues exactly from the warm-up, a search iteration and an iteration end', async () => {
    const pvll = { algorithm: 'pvll', ...oneShot, space: TINY_NB201, epochs: 2, batchesPerEpoch: 1, warmupSize: 2, warmupBatches: 1, landscapeFitSteps: 3, hiddenUnits: 4 };
    // units: warm-up 2·(2·1+1)+1 = 7, then 2 iterations of 1+3: the first ends at step 11.
    const { epochEnds, totalSteps } = await expectResumeExact(pvll, [2, 7, 9, 11, 13]);
    expect(totalSteps).toBe(15);
    expect(epochEnds).toEqual([11, 15]);
  });

  it('PVLL-NAS second order with discrete samples continues exactly', async () => {
    const pvll = { algorithm: 'pvll', ...oneShot, space: TINY_NB201, epochs: 2, batchesPerEpoch: 1, warmupSize: 1, warmupBatches: 1, landscapeFitSteps: 3, hiddenUnits: 4, unrolled: true, sampleForward: 'discrete' };
    await expectResumeExact(pvll, [3, 6, 8]);
  });
});

describe('resume of black-box search', () => {
  const tabular = { evaluator: { kind: 'nb201-tabular', dataset: 'cifar10' }, budget: 30, seed: 9 };
  const strategies: [string, Record<string, unknown>][] = [
    ['random', { algorithm: 'random' }],
    ['rea', { algorithm: 'rea', populationSize: 5, sampleSize: 3 }],
    ['ls', { algorithm: 'ls' }],
    ['bananas', { algorithm: 'bananas', numInit: 4, batchSize: 3, numCandidates: 10, predictor: { ensembleSize: 2, epochs: 5, hidden: [8] } }],
  ];
  for (const [name, config] of strategies) {
    it(`${name} on the NB201 table continues exactly (population, queue, climb, query log)`, async () => {
      await expectResumeExact({ ...config, ...tabular }, [1, 4, 5, 13, 29]);
    });
  }

  const trainer = { dataset: { name: 'embedded', trainLimit: 64 }, channels: 2, cellsPerStage: 1, batchSize: 16, batchesPerEpoch: 1 };
  const evaluators: [string, Record<string, unknown>][] = [
    ['short training', { kind: 'nb201-train', ...trainer, epochs: 1 }],
    ['supernet weights', { kind: 'nb201-supernet', ...trainer, supernetEpochs: 1, validBatches: 1 }],
  ];
  for (const [evaluatorName, evaluator] of evaluators) {
    for (const [name, config] of strategies) {
      it(`${name} with ${evaluatorName} continues exactly`, async () => {
        const small = config.algorithm === 'bananas' ? { numInit: 2, batchSize: 1 } : config.algorithm === 'rea' ? { populationSize: 2, sampleSize: 2 } : {};
        await expectResumeExact({ ...config, ...small, evaluator, budget: 4, seed: 9 }, [1, 2, 3]);
      });
    }
  }
});

describe('resume of an evaluation (a cell trained from scratch)', () => {
  const data = { name: 'embedded', trainLimit: 24, testLimit: 12, augment: { cropPadding: 2, horizontalFlip: true, cutout: 8 } };
  const darts = {
    space: 'darts',
    normal: [['sep_conv_3x3', 0], ['skip_connect', 1], ['max_pool_3x3', 0], ['dil_conv_3x3', 2]],
    normal_concat: [2, 3],
    reduce: [['max_pool_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 2], ['avg_pool_3x3', 0]],
    reduce_concat: [2, 3],
  };
  const dartsTraining = { channels: 2, layers: 3, epochs: 3, batchSize: 8, auxiliaryWeight: 0.4, dropPathProb: 0.2 };
  it.each([
    ['as trained', {}],
    // The cells recomputed in the backward pass (test/unit/evaluate/recompute.test.ts): drop-path masks drawn outside them.
    ['with recompute', { recompute: true }],
  ])('DARTS cell with auxiliary head, drop-path and cutout continues exactly (weights, running statistics, drop-path draws), %s', async (_, extra) => {
    const training = { ...dartsTraining, ...extra };
    // 24 images in batches of 8: epochs end at steps 3, 6 and 9; restored mid-epoch, at an epoch's end and in the last epoch.
    const { epochEnds } = await expectResumeExact({ algorithm: 'evaluation', genotype: darts, dataset: data, training, seed: 4, testBatchSize: 6 }, [1, 3, 5]);
    expect(epochEnds).toEqual([3, 6, 9]);
  });

  it('NAS-Bench-201 cell with Nesterov momentum continues exactly', async () => {
    const nb201 = { space: 'nb201', arch: '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|' };
    const training = { channels: 2, layers: 1, epochs: 2, batchSize: 12, nesterov: true };
    await expectResumeExact({ algorithm: 'evaluation', genotype: nb201, dataset: data, training, seed: 2, testBatchSize: 6 }, [1, 2, 3]);
  });
});
