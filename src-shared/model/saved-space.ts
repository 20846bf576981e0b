import { z } from 'zod';
import { SearchSpace } from './space';

/** A search space saved by name from the space editor (store table `spaces`), offered by the New-run form. */
export const SpaceName = z
  .string()
  .trim()
  .min(1, 'a saved space needs a name')
  .max(100, 'a space name has at most 100 characters');

export const SavedSpace = z.object({
  id: z.number().int().min(1),
  name: z.string(),
  space: SearchSpace,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedSpace = z.infer<typeof SavedSpace>;
