import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Nb201TrainingEvaluatorConfig } from '../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../src-shared/model/rng';
import { bundleReader, bundleWriter, emptyBundle } from '../../../src-main/engine/checkpoint/state';
import { loadTrainingData, nb201CellRecipe, type TrainingData } from '../../../src-main/engine/search/blackbox/evaluators/nb201-training';
import { ResumableTrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/resumable-training';
import { TrainingEvaluator } from '../../../src-main/engine/search/blackbox/evaluators/training-evaluator';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { initBackends } from '../backend/compare';
import { ALL_CONV } from './reference-cells';

const cells = new Nb201Cells();
/** A tiny NB201 network (C=4, one cell per stage), 4 batches of 16 per epoch from 400 embedded Fashion-MNIST images. */
const config = Nb201TrainingEvaluatorConfig.parse({
  kind: 'nb201-train',
  dataset: { name: 'embedded', trainLimit: 400 },
  channels: 4,
  cellsPerStage: 1,
  batchSize: 16,
  batchesPerEpoch: 4,
  epochs: 3,
});

let data: TrainingData;
beforeAll(async () => {
  await initBackends();
  data = await loadTrainingData(config, 'resources', new Rng(7).fork('data'));
});

const resumable = () => new ResumableTrainingEvaluator('nb201-train (resumable)', nb201CellRecipe(cells, config, data), config, data, new Rng(7).fork('cells'));

/** The evaluator's whole saved state (every paused cell's weights, momentum, batch position). */
function saved(evaluator: ResumableTrainingEvaluator<number>) {
  const bundle = emptyBundle();
  evaluator.saveState(bundleWriter(bundle));
  return bundle;
}

describe('resumable NB201 training', () => {
  it('a cell trained 1 epoch, saved, loaded into a new evaluator and trained 2 more equals the cell trained 3 epochs in one go', async () => {
    const before = tf.memory().numTensors;
    const arch = cells.fromArchString(ALL_CONV);
    const oneGo = await new TrainingEvaluator('nb201-train', resumable()).evaluate({ space: 'nb201', arch: ALL_CONV });

    const first = resumable();
    await first.trainEpoch(arch, 0);
    const afterOne = await first.score(arch, 1);
    const bundle = saved(first);
    first.dispose();

    const second = resumable();
    second.loadState(bundleReader(bundle, 'memory'));
    await second.trainEpoch(arch, 1);
    await second.trainEpoch(arch, 2);
    const pieces = await second.score(arch, 3);

    const straight = resumable();
    for (let e = 0; e < 3; e++) await straight.trainEpoch(arch, e);
    // Weights, momentum buffers and batch stream equal bit for bit, not only the accuracy.
    const a = saved(second);
    const b = saved(straight);
    expect([...a.json]).toEqual([...b.json]);
    expect([...a.tensors.keys()]).toEqual([...b.tensors.keys()]);
    for (const [name, t] of a.tensors) expect(t.data).toEqual(b.tensors.get(name)?.data);
    second.dispose();
    straight.dispose();

    expect(pieces.metric).toBe(oneGo.metric);
    expect(afterOne.metric).not.toBe(pieces.metric);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to train a cell from an epoch it is not at, naming the cell', async () => {
    const evaluator = resumable();
    const arch = cells.fromArchString(ALL_CONV);
    await expect(evaluator.trainEpoch(arch, 2)).rejects.toThrow(/nor_conv_3x3.*trained 0 epochs here, not 2/);
    evaluator.dispose();
  });
});
