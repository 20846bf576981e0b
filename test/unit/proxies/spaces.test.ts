import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { imageMinibatch, loadProxyImages, PROXY_DATASETS } from '../../../src-main/engine/proxies/data';
import { PROXY_NAMES } from '../../../src-main/engine/proxies/registry';
import { DEFAULT_PROXY_SETTINGS, ProxyScorer, scoreCell, type ProxyNetworkSizes } from '../../../src-main/engine/proxies/scorer';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { Rng } from '../../../src-shared/model/rng';
import { publishedDartsCell } from '../../fixtures/published';

const RESOURCES = join(import.meta.dirname, '..', '..', '..', 'resources');
/** Small networks so the test takes seconds; the code path is the one of the papers' sizes. */
const SMALL: ProxyNetworkSizes = {
  nb201: {
    full: { channels: 2, layers: 1, network: 'cifar', auxiliary: false },
    ntk: { channels: 1, layers: 1, network: 'cifar', auxiliary: false },
    thin: { channels: 1, layers: 1, network: 'cifar', auxiliary: false },
  },
  darts: {
    full: { channels: 2, layers: 3, network: 'cifar', auxiliary: false },
    ntk: { channels: 1, layers: 3, network: 'cifar', auxiliary: false },
    thin: { channels: 1, layers: 3, network: 'cifar', auxiliary: false },
  },
};
const SETTINGS = { ...DEFAULT_PROXY_SETTINGS, batchSize: 4, ntkBatchSize: 3, regionSamples: 40 };

beforeAll(async () => {
  await selectBackend(); // the wasm backend, whose Relu kernel the NASWOT and linear-region taps wrap
});

describe('every proxy on cells of both spaces (real Fashion-MNIST, the backend the app runs on)', () => {
  let scorer: ProxyScorer;
  beforeAll(async () => {
    scorer = await ProxyScorer.create('cifar10', SETTINGS, RESOURCES, SMALL);
  });
  afterAll(() => scorer.dispose());

  const nb201 = new Nb201Cells();
  const cells = {
    'NB201 all 3×3 convs': nb201.toGenotype(nb201.fromArchString('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|')),
    'NB201 with unused ops (node 3 reads only node 0)': nb201.toGenotype(nb201.fromArchString('|nor_conv_1x1~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|none~1|none~2|')),
    'DARTS_V2': publishedDartsCell('DARTS_V2'),
  };
  for (const [name, genotype] of Object.entries(cells)) {
    it(`${name}: a number from each proxy and no tensor left behind`, async () => {
      const before = tf.memory().numTensors;
      for (const proxy of PROXY_NAMES) {
        const value = await scorer.score(genotype, proxy);
        expect(Number.isNaN(value), proxy).toBe(false);
        expect(tf.memory().numTensors, proxy).toBe(before);
      }
    });
  }

  it('scoring all proxies on shared networks gives what a fresh network per proxy gives (no proxy disturbs another)', async () => {
    const g = cells['NB201 all 3×3 convs'];
    const shared = await scorer.scoreAll(g, [...PROXY_NAMES].reverse()); // training-mode proxies asked for first
    for (const proxy of PROXY_NAMES) expect(shared.get(proxy)!.value, proxy).toBe(await scorer.score(g, proxy));
  });

  it('scores again to the same values (fixed seed: same weights, same images)', async () => {
    const g = cells['NB201 all 3×3 convs'];
    for (const proxy of ['snip', 'naswot', 'synflow'] as const) expect(await scorer.score(g, proxy)).toBe(await scorer.score(g, proxy));
  });
});

describe('the minibatch', () => {
  it('Fashion-MNIST at its own size is the normalized pixels; for CIFAR-10 resized to 32×32 with the grey in all 3 channels', async () => {
    const images = await loadProxyImages(RESOURCES);
    const own = imageMinibatch(images, PROXY_DATASETS['fashion-mnist'], 2, new Rng(5));
    // The same draw: the first image is the first index of the seeded shuffle.
    const first = new Rng(5).shuffle(Array.from({ length: images.split.count }, (_, i) => i))[0];
    const pixel = images.split.images[first * 784 + 400];
    expect(own.images.dataSync()[400]).toBeCloseTo((pixel / 255 - 0.2860406) / 0.3530242, 5);
    expect(own.labels.dataSync()[0]).toBe(images.split.labels[first]);
    const cifar = imageMinibatch(images, PROXY_DATASETS.cifar10, 2, new Rng(5));
    expect(cifar.images.shape).toEqual([2, 32, 32, 3]);
    const v = cifar.images.dataSync();
    expect(v[3 * 100]).toBe(v[3 * 100 + 1]);
    expect(v[3 * 100]).toBe(v[3 * 100 + 2]);
    tf.dispose([own.images, own.labels, cifar.images, cifar.labels]);
  });

  it('scoreCell (the one-call form other strategies use) gives what a scorer gives', async () => {
    const g = new Nb201Cells().toGenotype(1234);
    const scorer = await ProxyScorer.create('cifar10', { ...DEFAULT_PROXY_SETTINGS, batchSize: 4 }, RESOURCES);
    const expected = await scorer.score(g, 'params');
    scorer.dispose();
    expect(await scoreCell(g, 'params', { dataset: 'cifar10', resourcesDir: RESOURCES, settings: { batchSize: 4 } })).toBe(expected);
  });
});
