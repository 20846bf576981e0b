import * as tf from '@tensorflow/tfjs';
import type { Genotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { buildEvaluationNetwork, type NetworkSize } from './build';
import { measureComplexity, type NetworkComplexity } from './complexity';
import type { ImageInput } from './network';

/** The inputs `inspect --dataset` knows: image size and classes as each dataset's evaluation network sees them. */
export const INSPECT_DATASETS: Record<string, ImageInput> = {
  cifar10: { height: 32, width: 32, channels: 3, classes: 10 },
  cifar100: { height: 32, width: 32, channels: 3, classes: 100 },
  'fashion-mnist': { height: 28, width: 28, channels: 1, classes: 10 },
  mnist: { height: 28, width: 28, channels: 1, classes: 10 },
  imagenet: { height: 224, width: 224, channels: 3, classes: 1000 },
};

/** The papers' network sizes: DARTS CIFAR (C=36, 20 cells), DARTS ImageNet (C=48, 14 cells), NAS-Bench-201 (C=16, N=5). */
export function defaultSize(space: Genotype['space'], dataset: string): Omit<NetworkSize, 'auxiliary'> {
  if (space === 'nb201') return { channels: 16, layers: 5, network: 'cifar' };
  return dataset === 'imagenet' ? { channels: 48, layers: 14, network: 'imagenet' } : { channels: 36, layers: 20, network: 'cifar' };
}

export interface InspectResult extends NetworkComplexity {
  space: Genotype['space'];
  dataset: string;
  input: ImageInput;
  channels: number;
  layers: number;
  network: 'cifar' | 'imagenet';
}

/**
 * Parameters and multiply-adds of a genotype's evaluation network, built exactly as an evaluation
 * run builds it (with its auxiliary head for DARTS cells, which the count leaves out), on the
 * backend already selected; nothing stays allocated.
 */
export async function inspectGenotype(genotype: Genotype, dataset: string, size: Partial<Pick<NetworkSize, 'channels' | 'layers'>> = {}): Promise<InspectResult> {
  const input = INSPECT_DATASETS[dataset];
  if (!input) throw new Error(`unknown dataset '${dataset}'; inspect knows ${Object.keys(INSPECT_DATASETS).join(', ')}`);
  const full = { ...defaultSize(genotype.space, dataset), ...size };
  const before = tf.memory().numTensors;
  const net = buildEvaluationNetwork(genotype, input, { ...full, auxiliary: genotype.space === 'darts' && Math.min(input.height, input.width) >= 20 }, new Rng(0));
  try {
    return { space: genotype.space, dataset, input, ...full, ...(await measureComplexity(net)) };
  } finally {
    net.dispose();
    if (tf.memory().numTensors !== before) throw new Error(`inspect left ${tf.memory().numTensors - before} tensors allocated`);
  }
}
