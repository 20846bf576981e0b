import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PcdartsConfig } from '../../../src-shared/model/algorithms/pcdarts';
import { PRESETS } from '../../../src-shared/model/presets';
import { Rng } from '../../../src-shared/model/rng';
import { planStudy, StudyRequest } from '../../../src-shared/model/study';
import { loadNb201 } from '../../../src-main/engine/benchmarks/nb201';
import { resourcesDir } from '../../../src-main/host/paths';
import { createPcdartsStrategy } from '../../../src-main/engine/search/oneshot/pcdarts';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { Nb201Supernet } from '../../../src-main/engine/supernet/nb201-network';
import { randn } from '../ops/gradcheck';
import { recordingReporter } from '../estimators/tiny-supernet';
import { join } from 'node:path';
import { softmax } from '../proxies/tiny-network';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('PC-DARTS on NAS-Bench-201', () => {
  const space = { kind: 'nb201', ops: ['none', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3'], channels: 4, cellsPerStage: 1 } as const;

  it('with K = 1 and no β the network is NB201’s plain supernet (same weights, same logits)', () => {
    const plain = new Nb201Supernet(space, { inChannels: 1, numClasses: 3 }, new Rng(4));
    const k1 = new Nb201Supernet(space, { inChannels: 1, numClasses: 3 }, new Rng(4), { partialChannels: 1 });
    const x = randn(new Rng(5), [2, 8, 8, 1]) as tf.Tensor4D;
    const [a, b] = [plain, k1].map((n) => tf.tidy(() => n.forward(x, softmaxWeights(n.arch))));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    plain.dispose();
    k1.dispose();
  });

  it('mixes the ops on C/K channels and scales each edge by the softmax of β over its node’s 1, 2, 3 inputs (by hand)', () => {
    const net = new Nb201Supernet(space, { inChannels: 1, numClasses: 3 }, new Rng(4), { partialChannels: 2, edgeNormalization: true });
    expect(net.params.get('stages.0.edges.0.nor_conv_1x1.conv').shape).toEqual([1, 1, 2, 2]); // C/K = 4/2 channels
    const beta = [0.7, 0.2, -0.4, 1.1, -0.3, 0.5];
    net.arch[0].beta!.assign(tf.tensor1d(beta));
    // Edges 1<-0 | 2<-0 2<-1 | 3<-0 3<-1 3<-2: node 1's single edge gets 1.
    const byHand = [1, ...softmax(beta.slice(1, 3)), ...softmax(beta.slice(3, 6))];
    const x = randn(new Rng(5), [2, 8, 8, 1]) as tf.Tensor4D;
    const withBeta = tf.tidy(() => net.forward(x, softmaxWeights(net.arch)));
    const saved = net.arch[0].beta!;
    net.arch[0].beta = undefined;
    const scaled = tf.tidy(() => {
      const rows = (tf.softmax(net.arch[0].alpha).arraySync() as number[][]).map((row, e) => row.map((w) => w * byHand[e]));
      return net.forward(x, { normal: { weights: tf.tensor2d(rows) } });
    });
    Array.from(scaled.dataSync()).forEach((v, i) => expect(withBeta.dataSync()[i]).toBeCloseTo(v, 5));
    net.arch[0].beta = saved;
    tf.dispose([x, withBeta, scaled]);
    net.dispose();
  });

  it('K must divide the NB201 channels; the quick preset searches NB201 and its cell is found in the benchmark table', async () => {
    expect(PcdartsConfig.safeParse({ algorithm: 'pcdarts', space: { kind: 'nb201', channels: 6 }, partialChannels: 4 }).error?.issues[0].message).toMatch(/K=4 must divide the space's channels \(6\)/);
    const preset = PcdartsConfig.parse(PRESETS['pcdarts-nb201-quick']);
    expect(preset.space.kind).toBe('nb201');
    // A real run of the preset's method on the embedded sample, two epochs of two batches.
    const config = PcdartsConfig.parse({ ...PRESETS['pcdarts-nb201-quick'], dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 }, epochs: 2, batchesPerEpoch: 2, batchSize: 4, validBatches: 1, archWarmupEpochs: 1, hessianEvery: 0 });
    const { reporter, recorded } = recordingReporter();
    const s = await createPcdartsStrategy({ config, rng: new Rng(2), reporter, resourcesDir: resourcesDir() });
    await s.step();
    const count = tf.memory().numTensors;
    await s.step();
    await s.step(); // α's first step: Adam's moments appear
    const afterAdam = tf.memory().numTensors;
    expect((await s.step()).done).toBe(true);
    expect(tf.memory().numTensors).toBe(afterAdam);
    expect(afterAdam).toBeGreaterThanOrEqual(count);
    const final = recorded.genotypes.filter((g) => g.final).at(-1)!.genotype;
    if (final.space !== 'nb201') throw new Error('expected an NB201 cell');
    const table = loadNb201(join(resourcesDir(), 'nb201'), 'cifar10');
    const accuracy = table.test[table.cells.fromArchString(final.arch)];
    expect(accuracy).toBeGreaterThan(0);
    s.dispose();
    // The study plans PC-DARTS on NB201 now, like the other one-shot methods.
    const { runs, skipped } = planStudy(StudyRequest.parse({ space: 'nb201', strategies: ['darts', 'pcdarts'] }));
    expect(runs.map((r) => r.strategy)).toEqual(['darts', 'pcdarts']);
    expect(skipped).toEqual([]);
  });
});
