import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { RunConfig } from '../../../src-shared/model/run-config';
import { Rng } from '../../../src-shared/model/rng';
import { createEvaluationStrategy } from '../../../src-main/engine/search/evaluation';
import { strategyFor } from '../../../src-main/engine/search/registry';
import { resourcesDir } from '../../../src-main/host/paths';
import { publishedDartsCell } from '../../fixtures/published';
import { initBackends } from '../backend/compare';

describe('the evaluation strategy', () => {
  it("trains DARTS_V2 on the embedded sample with the 'tiny' preset: learns, keeps tensors flat, reports per epoch", async () => {
    // The wasm backend with the project's training kernels: the cpu backend's convolution gradients are ~10x slower.
    await initBackends();
    const config = RunConfig.parse({ algorithm: 'evaluation', preset: 'tiny', seed: 3, genotype: publishedDartsCell('DARTS_V2') }) as EvaluationConfig;
    expect(strategyFor(config)).toBe(createEvaluationStrategy);
    const before = tf.memory().numTensors;
    const points: MetricPoint[] = [];
    const artifacts: { kind: string; data: Record<string, unknown> }[] = [];
    const reporter = {
      metrics: (p: MetricPoint[]) => points.push(...p),
      genotype() {},
      artifact: (kind: string, _step: number, data: unknown) => artifacts.push({ kind, data: data as Record<string, unknown> }),
      log() {},
      progress() {},
    };
    const strategy = await createEvaluationStrategy({ config, rng: new Rng(3), reporter, resourcesDir: resourcesDir() });
    // 512 images in batches of 32, 3 epochs.
    expect(strategy.totalSteps).toBe(48);
    const counts: number[] = [];
    let done = false;
    while (!done) {
      ({ done } = await strategy.step());
      counts.push(tf.memory().numTensors);
    }
    // The first step creates the momentum buffers; after it, nothing may grow.
    expect(new Set(counts.slice(1)).size).toBe(1);
    strategy.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const series = (key: string) => points.filter((p) => p.key === key).map((p) => p.value);
    expect(points.filter((p) => p.key === 'test.acc').map((p) => p.step)).toEqual([16, 32, 48]);
    // Cosine from 0.05 over 3 epochs: 0.05, 0.0375, 0.0125; drop-path 0.2·epoch/3.
    expect(series('lr').map((v) => +v.toFixed(6))).toEqual([0.05, 0.0375, 0.0125]);
    expect(series('drop_path_prob').map((v) => +v.toFixed(6))).toEqual([0, 0.066667, 0.133333]);
    // Ten classes: chance is 10 %; 48 steps of a 3-cell network on 512 images reach far above it.
    const testAcc = series('test.acc');
    expect(testAcc[2]).toBeGreaterThan(0.3);
    expect(series('train.loss')[2]).toBeLessThan(series('train.loss')[0]);
    expect(series('test.top5')).toEqual([]);

    const network = artifacts.find((a) => a.kind === 'evaluation.network')!.data;
    const report = artifacts.find((a) => a.kind === 'evaluation.report')!.data;
    expect(report.top1).toBe(testAcc[2]);
    expect(report.params).toBe(network.params);
    expect(report.params as number).toBeGreaterThan(0);
    expect(report.multiplyAdds as number).toBeGreaterThan(0);
    expect(report.top5).toBeUndefined();

    // The predictions of the final pass: the confusion matrix covers every test image and its
    // diagonal is the top-1 the loss pass counted on its own (tfjs's correctCount).
    const predictions = artifacts.find((a) => a.kind === 'evaluation.predictions')!.data as unknown as { confusion: number[][]; samples: { label: number; predicted: number; pixels: string }[]; classNames: string[] };
    const total = predictions.confusion.flat().reduce((a, b) => a + b, 0);
    const diagonal = predictions.confusion.reduce((a, row, i) => a + row[i], 0);
    expect(total).toBe(report.testImages);
    expect(diagonal / total).toBeCloseTo(report.top1 as number, 12);
    expect(predictions.classNames).toHaveLength(10);
    expect(predictions.samples).toHaveLength(24);
    expect(Buffer.from(predictions.samples[0].pixels, 'base64')).toHaveLength(28 * 28);
  });
});
