import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../src-shared/model/rng';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { DartsData } from '../../../src-main/engine/search/oneshot/data';
import type { Reporter } from '../../../src-main/engine/search/strategy';

/** A DARTS space small enough for the cpu backend: 3 cells (two reductions), one node, C = 2. */
export const TINY_SPACE = { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 } as const;

/** Random 8×8×1 images with 3 classes, seeded: batches for the strategies without a dataset. */
export function syntheticData(seed: number, stepsPerEpoch: number, batch = 4): DartsData {
  const rng = new Rng(seed);
  const source = () => ({
    next: () => ({
      x: tf.tensor4d(Float32Array.from({ length: batch * 64 }, () => rng.normal()), [batch, 8, 8, 1]),
      y: tf.tensor1d(Int32Array.from({ length: batch }, () => rng.int(3)), 'int32'),
    }),
  });
  // A fixed split of two batches, read in order (the epoch report's validation pass).
  const fixed = new Rng(seed + 1);
  const images = Float32Array.from({ length: 2 * batch * 64 }, () => fixed.normal());
  const labels = Int32Array.from({ length: 2 * batch }, () => fixed.int(3));
  const validation = function* () {
    for (let b = 0; b < 2; b++) {
      yield {
        x: tf.tensor4d(images.subarray(b * batch * 64, (b + 1) * batch * 64), [batch, 8, 8, 1]),
        y: tf.tensor1d(labels.subarray(b * batch, (b + 1) * batch), 'int32'),
        epoch: 0,
      };
    }
  };
  return { train: source(), valid: source(), inChannels: 1, numClasses: 3, stepsPerEpoch, validation };
}

export interface Recorded {
  metrics: MetricPoint[];
  artifacts: { kind: string; step: number; data: unknown }[];
  genotypes: { genotype: Genotype; final: boolean }[];
}

export function recordingReporter(): { reporter: Reporter; recorded: Recorded } {
  const recorded: Recorded = { metrics: [], artifacts: [], genotypes: [] };
  const reporter: Reporter = {
    metrics: (points) => recorded.metrics.push(...points),
    genotype: (genotype, info) => recorded.genotypes.push({ genotype, final: info.final }),
    artifact: (kind, step, data) => recorded.artifacts.push({ kind, step, data }),
    log: () => undefined,
    progress: () => undefined,
  };
  return { reporter, recorded };
}

/** Runs `steps` steps and returns the live tensor count after each. */
export async function tensorCounts(strategy: { step(): Promise<{ done: boolean }> }, steps: number): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < steps; i++) {
    await strategy.step();
    counts.push(tf.memory().numTensors);
  }
  return counts;
}
