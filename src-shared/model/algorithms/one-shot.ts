import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DatasetConfig } from '../dataset';
import { SearchSpace } from '../space';
import { EarlyStopConfig } from './early-stop';

/**
 * The fields every one-shot (weight-sharing) search shares, with the defaults of DARTS's
 * `train_search.py` (Liu, Simonyan and Yang, ICLR 2019): weights by SGD with momentum and a cosine
 * schedule, architecture parameters by Adam, the training images split into the weights' and the
 * architecture's halves. DARTS, GDAS, SNAS and PVLL-NAS all extend this shape, so a preset written
 * for one runs with another by changing `algorithm`.
 */
export const oneShotFields = {
  name: z.string().max(200).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0).meta({ title: 'Seed', description: 'the only source of the run\'s randomness: the same seed repeats the run' }),
  /** Steps between checkpoints (absent: the family's default, docs/checkpoints.md). */
  checkpointEvery,
  dataset: DatasetConfig.prefault({}),
  space: SearchSpace.prefault({ kind: 'darts' }),
  epochs: z.number().int().min(1).max(10_000).default(50).meta({ title: 'Epochs' }),
  batchSize: z.number().int().min(1).max(4096).default(64).meta({ title: 'Batch size' }),
  trainPortion: z.number().gt(0).lt(1).default(0.5)
    .meta({ title: 'Train portion', description: 'share of the training images that train the weights; the rest train the architecture (train_portion)' }),
  batchesPerEpoch: z.number().int().min(1).optional()
    .meta({ title: 'Batches per epoch (max)', description: 'cap an epoch for a quick run on a CPU; empty: a full pass over the weights\' half' }),
  learningRate: z.number().positive().max(10).default(0.025).meta({ title: 'Weights: learning rate', description: 'SGD, cosine-annealed per epoch' }),
  learningRateMin: z.number().min(0).max(10).default(0.001).meta({ title: 'Weights: final learning rate', description: 'where cosine annealing ends (learning_rate_min)' }),
  momentum: z.number().min(0).max(1).default(0.9).meta({ title: 'Weights: momentum' }),
  weightDecay: z.number().min(0).max(1).default(3e-4).meta({ title: 'Weights: weight decay' }),
  gradClip: z.number().positive().default(5).meta({ title: 'Weights: gradient clip', description: 'norm the weights\' gradient is clipped to (grad_clip)' }),
  archLearningRate: z.number().positive().max(10).default(3e-4).meta({ title: 'Architecture: learning rate', description: 'Adam on the architecture parameters α' }),
  archBeta1: z.number().min(0).lt(1).default(0.5).meta({ title: 'Architecture: Adam β1' }),
  archBeta2: z.number().min(0).lt(1).default(0.999).meta({ title: 'Architecture: Adam β2' }),
  archWeightDecay: z.number().min(0).max(1).default(1e-3).meta({ title: 'Architecture: weight decay' }),
  unrolled: z.boolean().default(false)
    .meta({ title: 'Second order (unrolled)', description: 'DARTS\'s unrolled step, PVLL-NAS\'s look-ahead loss; GDAS, SNAS and DrNAS have none' }),
  reportEvery: z.number().int().min(1).default(50)
    .meta({ title: 'Report every (steps)', description: 'running means of the training loss and accuracy are reported every this many steps (report_freq)' }),
  validBatches: z.number().int().min(1).default(4).meta({ title: 'Validation batches per epoch', description: 'scored at each epoch\'s end (valid.loss, valid.acc)' }),
  /**
   * On by default, once per epoch as RobustDARTS computes it: DARTS's collapse shows in it
   * (docs/oneshot.md), and the run's log states what it costs (`hessianPlan`).
   */
  hessianEvery: z.number().int().min(0).default(1)
    .meta({ title: 'Hessian eigenvalue every (epochs)', description: 'dominant eigenvalue of the validation loss\'s Hessian w.r.t. α; 0: never. On by default: the collapse warning watches it; the run\'s log states its cost' }),
  hessianIters: z.number().int().min(1).max(200).default(20)
    .meta({ title: 'Hessian power iterations', description: 'each costs two gradient evaluations' }),
  earlyStop: EarlyStopConfig.optional()
    .meta({ title: 'Early stop (DARTS-ES)', description: 'stop when the Hessian eigenvalue grows past a ratio and answer the epoch before; needs the Hessian eigenvalue' }),
} as const;

/** The cross-field checks of the shared fields, for each algorithm's `.superRefine`. */
export function checkOneShot(c: { learningRate: number; learningRateMin: number; hessianEvery: number; earlyStop?: EarlyStopConfig }, ctx: z.RefinementCtx): void {
  if (c.learningRateMin > c.learningRate) {
    ctx.addIssue({ code: 'custom', path: ['learningRateMin'], message: `learningRateMin (${c.learningRateMin}) must not exceed learningRate (${c.learningRate})` });
  }
  if (c.earlyStop && c.hessianEvery === 0) {
    ctx.addIssue({ code: 'custom', path: ['earlyStop'], message: 'earlyStop watches the Hessian eigenvalue: set hessianEvery to a positive number of epochs' });
  }
}

/** GDAS and SNAS have only a first-order form; say so instead of silently ignoring `unrolled`. */
export function refuseUnrolled(algorithm: string) {
  return (c: { unrolled: boolean }, ctx: z.RefinementCtx): void => {
    if (c.unrolled) ctx.addIssue({ code: 'custom', path: ['unrolled'], message: `${algorithm} has no second-order (unrolled) variant: set "unrolled": false` });
  };
}

const OneShotCommon = z.object(oneShotFields);
/** The parsed shared fields, what code common to every one-shot strategy may read. */
export type OneShotCommon = z.infer<typeof OneShotCommon>;

/**
 * What the Hessian eigenvalue costs a run, in the words the run's log opens with: each power
 * iteration is two forward+backward passes of one validation batch (of `batchSize`, the size of a
 * training batch), so a measurement is 2·hessianIters passes, set against the epoch's
 * `stepsPerEpoch` passes of the weights' training (α's updates and the validation score come on top,
 * so the true share is lower). `which: 'largest'` can double it when the dominant eigenvalue is negative.
 */
export function hessianPlan(c: Pick<OneShotCommon, 'hessianEvery' | 'hessianIters'>, stepsPerEpoch: number): string {
  if (c.hessianEvery === 0) return 'Hessian eigenvalue: off (hessianEvery 0), so no collapse warning from the eigenvalue';
  const passes = 2 * c.hessianIters;
  const share = passes / (c.hessianEvery * stepsPerEpoch);
  const every = c.hessianEvery === 1 ? 'every epoch' : `every ${c.hessianEvery} epochs`;
  return `Hessian eigenvalue ${every}: ${passes} forward+backward passes of one validation batch (up to twice that when the dominant eigenvalue is negative), ≈ ${Math.round(share * 100)} % on top of an epoch's ${stepsPerEpoch} weight-training passes; hessianEvery 0 turns it off`;
}
