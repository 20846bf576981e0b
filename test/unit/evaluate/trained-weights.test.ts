import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveEvaluation, type EvaluationConfig } from '../../../src-shared/model/algorithms/evaluation';
import type { Genotype } from '../../../src-shared/model/genotype';
import { RunConfig } from '../../../src-shared/model/run-config';
import { Rng } from '../../../src-shared/model/rng';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { orderedBatches } from '../../../src-main/engine/data/batches';
import { loadDataset } from '../../../src-main/engine/data/datasets';
import { buildEvaluationNetwork } from '../../../src-main/engine/evaluate/build';
import { stateDictOf } from '../../../src-main/engine/evaluate/darts-state-dict';
import { loadTrainedNetwork } from '../../../src-main/engine/evaluate/load-trained';
import { readSafetensors, writeSafetensors } from '../../../src-main/engine/evaluate/safetensors';
import { keyedWeights, WEIGHTS_FILE_NAME, type WeightsArtifact } from '../../../src-main/engine/evaluate/trained-weights';
import { createEvaluationStrategy } from '../../../src-main/engine/search/evaluation';
import { resourcesDir } from '../../../src-main/host/paths';
import { publishedDartsCell } from '../../fixtures/published';
import { initBackends } from '../backend/compare';

const SMALL_DATA = { name: 'embedded', trainLimit: 64, testLimit: 40, augment: { cropPadding: 0, horizontalFlip: false, cutout: 0 } };

describe('the trained network is saved and loads again', () => {
  const root = mkdtempSync(join(tmpdir(), 'nas-weights-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['a DARTS cell (auxiliary head, drop-path)', publishedDartsCell('DARTS_V2') as Genotype, 'cells.0._ops.0.op.1.weight'],
    ['a NAS-Bench-201 cell', { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|' } as Genotype, 'cells.0.layers.0.conv'],
  ])('%s: same test logits, same names, shapes and values, tensors flat', async (_name, genotype, convKey) => {
    await initBackends();
    const dir = join(root, genotype.space);
    const config = RunConfig.parse({ algorithm: 'evaluation', preset: 'tiny', seed: 5, genotype, dataset: SMALL_DATA, training: { epochs: 1 } }) as EvaluationConfig;
    const before = tf.memory().numTensors;
    const artifacts: { kind: string; data: unknown }[] = [];
    const reporter = { metrics() {}, genotype() {}, artifact: (kind: string, _s: number, data: unknown) => artifacts.push({ kind, data }), log() {}, progress() {} };
    const strategy = await createEvaluationStrategy({ config, rng: new Rng(5), reporter, resourcesDir: resourcesDir(), outputDir: dir });
    for (let done = false; !done; ) ({ done } = await strategy.step());
    // The network at the end of training, through the checkpoint path (independent of the weights file).
    const bundle = emptyBundle();
    strategy.saveState(bundleWriter(bundle));
    strategy.dispose();
    const { training } = resolveEvaluation(config);
    const data = await loadDataset(SMALL_DATA as EvaluationConfig['dataset'] & object, resourcesDir(), new Rng(0));
    const input = { height: data.shape[0], width: data.shape[1], channels: data.shape[2], classes: data.classes };
    const reference = buildEvaluationNetwork(genotype, input, { ...training, auxiliary: training.auxiliaryWeight > 0 }, new Rng(5).fork('network'));
    reference.loadState(bundleReader(bundle, 'memory').scope('network'));

    // The artifact describes the file as it is on disk; nothing temporary is left.
    const artifact = artifacts.find((a) => a.kind === 'evaluation.weights')!.data as WeightsArtifact;
    const bytes = readFileSync(join(dir, WEIGHTS_FILE_NAME));
    expect(artifact).toEqual({ file: join(dir, WEIGHTS_FILE_NAME), bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), format: 'safetensors', names: artifact.names });
    expect(readdirSync(dir)).toEqual([WEIGHTS_FILE_NAME]);

    // Read back: the names, shapes and values of the reference network's state_dict, exactly.
    const steps = 2; // 64 images in batches of 32, one epoch
    const expected = stateDictOf(keyedWeights(reference), steps);
    const { tensors, metadata } = readSafetensors(new Uint8Array(bytes));
    expect(tensors.map((t) => t.name).sort()).toEqual(expected.map((t) => t.name).sort());
    expect(tensors).toHaveLength(artifact.names);
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const e of expected) {
      expect(byName.get(e.name)!.shape, e.name).toEqual(e.shape);
      expect(byName.get(e.name)!.data, e.name).toEqual(e.data);
    }
    // PyTorch's layout: a 3×3 convolution of C=4 channels (NAS-Bench-201: the cell's first conv; DARTS: a depthwise 3×3) as [out, in, 3, 3].
    expect(byName.get(convKey)!.shape).toEqual(genotype.space === 'darts' ? [4, 1, 3, 3] : [4, 4, 3, 3]);
    expect(JSON.parse(metadata.genotype)).toEqual(genotype);
    expect(JSON.parse(metadata.evaluation)).toMatchObject({ preset: 'tiny', seed: 5, training, input, steps });
    if (genotype.space === 'darts') {
      expect(byName.get('auxiliary_head.classifier.weight')!.shape).toEqual([10, expected.find((t) => t.name === 'auxiliary_head.classifier.weight')!.shape[1]]);
      expect(byName.get('stem.1.num_batches_tracked')!.data).toEqual(BigInt64Array.of(BigInt(steps)));
    }

    // The loaded network predicts as the trained one: the same test logits to 1e-6.
    const loaded = loadTrainedNetwork(join(dir, WEIGHTS_FILE_NAME));
    expect(loaded.genotype).toEqual(genotype);
    const batch = orderedBatches(data.test, data.shape, data.normalization, 40).next().value!;
    const want = tf.tidy(() => reference.forward(batch.x, { training: false, dropPathProb: 0 }).logits.arraySync());
    const got = tf.tidy(() => loaded.logits(batch.x).arraySync());
    expect(got).toHaveLength(40);
    const diff = Math.max(...got.flatMap((row, i) => row.map((v, j) => Math.abs(v - want[i][j]))));
    expect(diff).toBeLessThanOrEqual(1e-6);
    const predicted = await loaded.predict(batch.x);
    expect([...predicted]).toEqual(want.map((row) => row.indexOf(Math.max(...row))));
    tf.dispose([batch.x, batch.y]);
    loaded.dispose();
    reference.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('refuses a file that is not an evaluation network, naming what is wrong', async () => {
    await initBackends();
    expect(() => loadTrainedNetwork(join(root, 'missing.safetensors'))).toThrow(/cannot read the weights file .*missing\.safetensors: ENOENT/);
    const plain = join(root, 'plain.safetensors');
    writeFileSync(plain, writeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: Float32Array.of(1) }]));
    expect(() => loadTrainedNetwork(plain)).toThrow(/plain\.safetensors has format 'none'; this loader reads 'nas-workbench-evaluation-weights\/1'/);
  });
});
