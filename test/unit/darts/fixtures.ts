import * as tf from '@tensorflow/tfjs';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { Rng } from '../../../src-shared/model/rng';
import type { Batch as DataBatch } from '../../../src-main/engine/data/batches';
import type { BatchSource } from '../../../src-main/engine/search/oneshot/data';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { randn } from '../ops/gradcheck';

/** A Reporter that keeps everything it is told. */
export function recorder() {
  const metrics: MetricPoint[] = [];
  const artifacts: { kind: string; step: number; data: unknown }[] = [];
  const genotypes: { genotype: Genotype; step: number; epoch: number; final: boolean }[] = [];
  const reporter: Reporter = {
    metrics: (p) => metrics.push(...p),
    genotype: (genotype, info) => genotypes.push({ genotype, ...info }),
    artifact: (kind, step, data) => artifacts.push({ kind, step, data }),
    log: () => {},
    progress: () => {},
  };
  const values = (key: string) => metrics.filter((m) => m.key === key);
  return { reporter, metrics, artifacts, genotypes, values };
}

/** A 6×6 one-channel batch of 4 with labels 0, 1, 2, 0, drawn from `rng`. */
export function syntheticBatch(rng: Rng): DataBatch {
  return { x: randn(rng, [4, 6, 6, 1]) as tf.Tensor4D, y: tf.tensor1d([0, 1, 2, 0], 'int32'), epoch: 0 };
}

/** Fresh synthetic batches each call (the strategy disposes them). */
export function synthetic(seed: number): BatchSource {
  const rng = new Rng(seed);
  return { next: () => syntheticBatch(rng) };
}

/**
 * A fixed validation split of `batches` batches read in order; `built` counts the batches made, so a
 * test sees that a capped pass reads no more than the cap.
 */
export function validationSplit(seed: number, batches: number) {
  const counter = { built: 0 };
  const pass = function* (): Generator<DataBatch> {
    const rng = new Rng(seed);
    for (let i = 0; i < batches; i++) {
      counter.built++;
      yield syntheticBatch(rng);
    }
  };
  return { pass, counter };
}

/** Three ops without `none`, one node, three cells (normal, reduce, normal), 2 channels: fast on cpu. */
export const TINY_SPACE = { kind: 'darts', ops: ['max_pool_3x3', 'skip_connect', 'dil_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 } as const;
