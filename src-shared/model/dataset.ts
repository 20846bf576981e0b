import { z } from 'zod';

export const DATASET_NAMES = ['embedded', 'fashion-mnist', 'mnist', 'cifar10', 'cifar100'] as const;

/**
 * Where a run's images come from. `embedded` is the Fashion-MNIST subset shipped in resources/;
 * the others read the standard files (IDX for (Fashion-)MNIST, binary batches for CIFAR) from `dir`.
 */
export const DatasetConfig = z
  .object({
    name: z.enum(DATASET_NAMES).default('embedded'),
    dir: z.string().min(1).optional(),
    /** Use at most this many training images (after the seeded shuffle); absent: all. */
    trainLimit: z.number().int().min(1).optional(),
    /** Use at most this many test images; absent: all. */
    testLimit: z.number().int().min(1).optional(),
    augment: z
      .object({
        cropPadding: z.number().int().min(0).max(8).default(0),
        horizontalFlip: z.boolean().default(false),
        cutout: z.number().int().min(0).max(32).default(0),
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
