/**
 * Every one-shot method's step (its architecture update and its weight step, as a run takes it)
 * against DARTS (first order) on the same supernet and synthetic batches: ms per step after one
 * warm-up step, and the step's peak bytes of tensor buffers (backend/memory.ts `measureStepBytes`).
 * Prints one line per method, then machine-readable `<method>_over_darts_step_cost=` and
 * `<method>_over_darts_peak_bytes=` lines.
 * Run: npx tsx test/bench/methods-step.ts [layers=5] [channels=8] [batch=32] [steps=3] [methods=all, e.g. nasp,fewshot]
 * (DARTS is always measured, as the reference).
 * Few-shot NAS is timed in a sub-supernet (its warm-up is DARTS's step): no warm-up epochs, so the
 * first step only splits and every measured one is a sub-supernet's.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/select';
import { measureStepBytes } from '../../src-main/engine/backend/memory';
import { RunConfig } from '../../src-shared/model/run-config';
import { Rng } from '../../src-shared/model/rng';
import { DartsStrategy } from '../../src-main/engine/search/oneshot/darts';
import { DrnasStrategy } from '../../src-main/engine/search/oneshot/drnas';
import { FewshotSearch } from '../../src-main/engine/search/oneshot/fewshot';
import { PcdartsStrategy } from '../../src-main/engine/search/oneshot/pcdarts';
import { SdartsAdvStrategy, SdartsRsStrategy } from '../../src-main/engine/search/oneshot/sdarts';
import { GdasStrategy } from '../../src-main/engine/search/sampled/gdas';
import { SnasStrategy } from '../../src-main/engine/search/sampled/snas';
import { NaspStrategy } from '../../src-main/engine/search/oneshot/nasp';
import { ProxylessStrategy } from '../../src-main/engine/search/oneshot/proxyless';
import type { DartsData } from '../../src-main/engine/search/oneshot/data';
import type { Reporter, SearchStrategy } from '../../src-main/engine/search/strategy';

const [layers, channels, batch, steps] = process.argv.slice(2, 6).map(Number);
const only = process.argv[6]?.split(',');
const L = layers || 5;
const C = channels || 8;
const B = batch || 32;
const S = steps || 3;

function data(seed: number): DartsData {
  const rng = new Rng(seed);
  const source = () => ({
    next: () => ({
      x: tf.tensor4d(Float32Array.from({ length: B * 28 * 28 }, () => rng.normal()), [B, 28, 28, 1]),
      y: tf.tensor1d(Int32Array.from({ length: B }, () => rng.int(10)), 'int32'),
    }),
  });
  return { train: source(), valid: source(), inChannels: 1, numClasses: 10, stepsPerEpoch: 1000, validation: () => [source().next()].map((b) => ({ ...b, epoch: 0 })) };
}

const quiet: Reporter = { metrics: () => undefined, genotype: () => undefined, artifact: () => undefined, log: () => undefined, progress: () => undefined };

interface Measured {
  ms: number;
  peakBytes: number;
}

async function measure(name: string, strategy: SearchStrategy): Promise<Measured> {
  await strategy.step(); // warm-up: kernel setup, first optimizer state
  const { peakBytes } = await measureStepBytes(B, () => strategy.step());
  const t0 = performance.now();
  for (let i = 0; i < S; i++) await strategy.step();
  const ms = (performance.now() - t0) / S;
  console.log(`${name.padEnd(14)} ${ms.toFixed(0).padStart(6)} ms/step (mean of ${S} after a warm-up)  peak ${(peakBytes / 2 ** 20).toFixed(0).padStart(5)} MiB of tensor buffers`);
  strategy.dispose();
  return { ms, peakBytes };
}

async function main(): Promise<void> {
  const backend = await selectBackend({ allow: ['wasm', 'cpu'] });
  console.log(`backend ${backend.name}; DARTS space, ${L} cells, C=${C}, batch ${B} of 28×28×1`);
  const base = { space: { kind: 'darts', layers: L, channels: C }, epochs: 1, batchSize: B, validBatches: 1 };
  // `any`: each method takes its own member of the RunConfig union, parsed here from the algorithm name.
  const ctx = (input: Record<string, unknown>) => ({ config: RunConfig.parse({ ...base, ...input }) as any, rng: new Rng(0), reporter: quiet, resourcesDir: '' });
  // learningRate etc. do not change a step's cost; PC-DARTS's warm-up is off so its α step is timed too.
  const methods: [string, () => SearchStrategy][] = [
    ['darts', () => new DartsStrategy(ctx({ algorithm: 'darts' }), { data: data(1) })],
    ['pcdarts', () => new PcdartsStrategy(ctx({ algorithm: 'pcdarts', archWarmupEpochs: 0 }), { data: data(1) })],
    ['sdarts_rs', () => new SdartsRsStrategy(ctx({ algorithm: 'sdarts-rs' }), { data: data(1) })],
    ['sdarts_adv', () => new SdartsAdvStrategy(ctx({ algorithm: 'sdarts-adv' }), { data: data(1) })],
    ['drnas', () => new DrnasStrategy(ctx({ algorithm: 'drnas' }), data(1))],
    ['gdas', () => new GdasStrategy(ctx({ algorithm: 'gdas' }), data(1))],
    ['snas', () => new SnasStrategy(ctx({ algorithm: 'snas' }), data(1))],
    ['fewshot', () => new FewshotSearch(ctx({ algorithm: 'fewshot', warmupEpochs: 0 }), data(1))],
    ['nasp', () => new NaspStrategy(ctx({ algorithm: 'nasp' }), data(1))],
    // α every batch from the first (the authors: every 5th after a warm-up), so each timed step has both updates.
    ['proxyless', () => new ProxylessStrategy(ctx({ algorithm: 'proxyless', archUpdateEvery: 1, archWarmupEpochs: 0 }), data(1))],
  ];
  const results = new Map<string, Measured>();
  for (const [name, make] of methods) if (name === 'darts' || !only || only.includes(name)) results.set(name, await measure(name, make()));
  const darts = results.get('darts')!;
  for (const [name, r] of results) {
    if (name === 'darts') continue;
    console.log(`${name}_over_darts_step_cost=${(r.ms / darts.ms).toFixed(3)}`);
    console.log(`${name}_over_darts_peak_bytes=${(r.peakBytes / darts.peakBytes).toFixed(3)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
