import type { Genotype } from '../../../src-shared/model/genotype';
import { Rng } from '../../../src-shared/model/rng';
import { buildEvaluationNetwork, type NetworkSize } from '../evaluate/build';
import type { ImageInput } from '../evaluate/network';
import { CROP_SIDE, cropMinibatch, imageMinibatch, loadProxyImages, PROXY_DATASETS, type ProxyDataset, type ProxyImages } from './data';
import { PROXIES, type ProxyDefinition, type ProxyName } from './registry';
import type { Minibatch } from './types';

/** How proxies are computed; every field is part of the cache key. */
export interface ProxySettings {
  /** Images in the minibatch of the data-dependent proxies (zero-cost-nas: 64; NASWOT: 128). */
  batchSize: number;
  /** Images in TE-NAS's NTK batch (their launcher: 14 to 72). */
  ntkBatchSize: number;
  /** 3×3 crops for TE-NAS's linear regions (theirs: 3,000). */
  regionSamples: number;
  /** Seeds the weights' initialization and the images drawn. */
  seed: number;
}

export const DEFAULT_PROXY_SETTINGS: ProxySettings = { batchSize: 16, ntkBatchSize: 16, regionSamples: 3000, seed: 0 };

/** The settings other than the seed, as stored beside each cached score. */
export function batchSettingsKey(s: ProxySettings): string {
  return `batch=${s.batchSize};ntk=${s.ntkBatchSize};regions=${s.regionSamples}`;
}

/**
 * The networks the proxies run on. `full`: NAS-Bench-201's own network (C = 16, N = 5), and for
 * DARTS a search-sized NetworkCIFAR (C = 16, 8 cells); `ntk` and `thin` are TE-NAS's small
 * networks (NAS-Bench-201: C = 3, N = 1 for the NTK, C = 1, N = 1 for linear regions).
 */
export type ProxyNetworkSizes = Record<Genotype['space'], Record<ProxyDefinition['network'], NetworkSize>>;

export const PROXY_NETWORKS: ProxyNetworkSizes = {
  nb201: {
    full: { channels: 16, layers: 5, network: 'cifar', auxiliary: false },
    ntk: { channels: 3, layers: 1, network: 'cifar', auxiliary: false },
    thin: { channels: 1, layers: 1, network: 'cifar', auxiliary: false },
  },
  darts: {
    full: { channels: 16, layers: 8, network: 'cifar', auxiliary: false },
    ntk: { channels: 2, layers: 5, network: 'cifar', auxiliary: false },
    thin: { channels: 1, layers: 5, network: 'cifar', auxiliary: false },
  },
};

/**
 * Scores cells with zero-cost proxies: reads the images once, draws the seed's minibatches once
 * (the same for every cell, as a fair comparison needs), and builds the networks initialized from
 * the seed (the same weights for every proxy, as the authors score one network's copies).
 */
export class ProxyScorer {
  private constructor(
    readonly dataset: ProxyDataset,
    readonly settings: ProxySettings,
    /** The minibatch of the data-dependent proxies, TE-NAS's NTK batch, TE-NAS's crops. */
    private readonly batches: { images: Minibatch; ntk: Minibatch; crops: Minibatch },
    private readonly networks: ProxyNetworkSizes,
  ) {}

  /** `networks`: the sizes to build (tests and quick looks use smaller ones than the papers'). */
  static async create(dataset: ProxyDataset, settings: ProxySettings, resourcesDir: string, networks: ProxyNetworkSizes = PROXY_NETWORKS): Promise<ProxyScorer> {
    for (const key of ['batchSize', 'ntkBatchSize', 'regionSamples'] as const) {
      if (!Number.isInteger(settings[key]) || settings[key] < 2) throw new RangeError(`proxy setting ${key} must be an integer ≥ 2, got ${settings[key]}`);
    }
    if (!Number.isInteger(settings.seed) || settings.seed < 0) throw new RangeError(`the proxy seed must be an integer ≥ 0, got ${settings.seed}`);
    const images: ProxyImages = await loadProxyImages(resourcesDir);
    const rng = new Rng(settings.seed);
    const input = PROXY_DATASETS[dataset];
    return new ProxyScorer(dataset, settings, {
      images: imageMinibatch(images, input, settings.batchSize, rng.fork('proxy-images')),
      ntk: imageMinibatch(images, input, settings.ntkBatchSize, rng.fork('proxy-images')),
      crops: cropMinibatch(images, settings.regionSamples, rng.fork('proxy-crops')),
    }, networks);
  }

  /** The proxy's value for one cell (NaN or ±∞ where the proxy's own definition gives them), on a network of its own. */
  async score(genotype: Genotype, proxy: ProxyName): Promise<number> {
    return (await this.scoreAll(genotype, [proxy])).get(proxy)!.value;
  }

  /**
   * Several proxies of one cell, each network size built once (building NB201's network costs as
   * much as a cheap proxy). The proxies that read only the input shape run first, in evaluation
   * mode, on the untouched network: synflow needs the initial running statistics, which every
   * training-mode forward moves (and which no training-mode proxy reads); weights are restored by
   * the proxies that change them. `seconds`: the proxy's own time, its share of the build included.
   */
  async scoreAll(genotype: Genotype, proxies: readonly ProxyName[]): Promise<Map<ProxyName, { value: number; seconds: number }>> {
    const results = new Map<ProxyName, { value: number; seconds: number }>();
    const order = [...proxies].sort((a, b) => Number(PROXIES[a].data !== 'shape') - Number(PROXIES[b].data !== 'shape'));
    for (const size of ['full', 'ntk', 'thin'] as const) {
      const here = order.filter((p) => PROXIES[p].network === size);
      if (here.length === 0) continue;
      const crops = PROXIES[here[0]].data === 'crops';
      const input: ImageInput = crops ? { height: CROP_SIDE, width: CROP_SIDE, channels: 1, classes: PROXY_DATASETS[this.dataset].classes } : PROXY_DATASETS[this.dataset];
      const started = performance.now();
      const network = buildEvaluationNetwork(genotype, input, this.networks[genotype.space][size], new Rng(this.settings.seed).fork('proxy-network'));
      const buildShare = (performance.now() - started) / 1000 / here.length;
      try {
        for (const proxy of here) {
          const definition = PROXIES[proxy];
          const batch = definition.data === 'crops' ? this.batches.crops : size === 'ntk' ? this.batches.ntk : this.batches.images;
          const t = performance.now();
          const value = await definition.compute(network, batch);
          results.set(proxy, { value, seconds: buildShare + (performance.now() - t) / 1000 });
        }
      } finally {
        network.dispose();
      }
    }
    return results;
  }

  dispose(): void {
    for (const b of Object.values(this.batches)) {
      b.images.dispose();
      b.labels.dispose();
    }
  }
}

/**
 * One proxy of one cell, from scratch (reads the images, scores, frees everything): what a caller
 * that needs a single zero-cost score uses (NOSH's epoch-0 level). Many cells: keep a ProxyScorer.
 */
export async function scoreCell(genotype: Genotype, proxy: ProxyName, options: { dataset: ProxyDataset; resourcesDir: string; settings?: Partial<ProxySettings> }): Promise<number> {
  const scorer = await ProxyScorer.create(options.dataset, { ...DEFAULT_PROXY_SETTINGS, ...options.settings }, options.resourcesDir);
  try {
    return await scorer.score(genotype, proxy);
  } finally {
    scorer.dispose();
  }
}
