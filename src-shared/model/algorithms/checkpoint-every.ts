import { z } from 'zod';

/**
 * Every run kind's checkpoint cadence: a checkpoint every this many steps (batches for one-shot
 * search and training, queries for black-box search), besides the one at each epoch's end. Absent:
 * the engine's default for the run's family (docs/checkpoints.md says which and why).
 */
export const checkpointEvery = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .optional()
  .meta({ title: 'Checkpoint every (steps)', description: 'besides each epoch\'s end; empty: the default of the run\'s family' });
