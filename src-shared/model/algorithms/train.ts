import { z } from 'zod';
import { checkpointEvery } from './checkpoint-every';
import { DatasetConfig } from '../dataset';

/**
 * Plain training of a small convnet: the smallest real run, used to check the whole path
 * (engine process, metrics, store, charts) and as a baseline.
 */
export const TrainConfig = z
  .object({
    algorithm: z.literal('train'),
    name: z.string().max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0).meta({ title: 'Seed', description: 'the only source of the run\'s randomness: the same seed repeats the run' }),
    /** Steps between checkpoints (absent: the family's default, docs/checkpoints.md). */
    checkpointEvery,
    dataset: DatasetConfig.prefault({}),
    steps: z.number().int().min(1).max(1_000_000).default(300).meta({ title: 'Steps' }),
    batchSize: z.number().int().min(1).max(4096).default(32).meta({ title: 'Batch size' }),
    learningRate: z.number().positive().max(10).default(0.05).meta({ title: 'Learning rate' }),
    momentum: z.number().min(0).max(1).default(0.9).meta({ title: 'Momentum' }),
    channels: z.number().int().min(1).max(256).default(8).meta({ title: 'Channels' }),
    evalEvery: z.number().int().min(1).default(50).meta({ title: 'Evaluate every (steps)', description: 'on the test split' }),
  })
  .strict();
export type TrainConfig = z.infer<typeof TrainConfig>;
