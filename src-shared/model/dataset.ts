import { z } from 'zod';

export const DATASET_NAMES = ['embedded', 'fashion-mnist', 'mnist', 'cifar10', 'cifar100'] as const;

/**
 * Where a run's images come from. `embedded` is the Fashion-MNIST subset shipped in resources/;
 * the others read the standard files (IDX for (Fashion-)MNIST, binary batches for CIFAR) from `dir`.
 */
export const DatasetConfig = z
  .object({
    name: z.enum(DATASET_NAMES).default('embedded').meta({ title: 'Dataset', description: 'embedded: the Fashion-MNIST sample shipped with the app' }),
    dir: z.string().min(1).optional().meta({ title: 'Dataset folder', description: 'needed for every dataset but embedded' }),
    trainLimit: z.number().int().min(1).optional().meta({ title: 'Train images (max)', description: 'at most this many, after the seeded shuffle; empty: all' }),
    testLimit: z.number().int().min(1).optional().meta({ title: 'Test images (max)', description: 'empty: all' }),
    augment: z
      .object({
        cropPadding: z.number().int().min(0).max(8).default(0).meta({ title: 'Augment: crop padding (px)', description: 'random crop after zero padding; 0: none' }),
        horizontalFlip: z.boolean().default(false).meta({ title: 'Augment: horizontal flip' }),
        cutout: z.number().int().min(0).max(32).default(0).meta({ title: 'Augment: cutout (px)', description: 'side of the square cut out; 0: none' }),
      })
      .strict()
      .default({ cropPadding: 0, horizontalFlip: false, cutout: 0 }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.name !== 'embedded' && !d.dir) {
      ctx.addIssue({ code: 'custom', path: ['dir'], message: `dataset '${d.name}' needs "dir": the folder that holds its files` });
    }
  });
export type DatasetConfig = z.infer<typeof DatasetConfig>;
