/**
 * GDAS step cost against DARTS (first order) on the same supernet and batches: prints ms per step.
 * Run: npx tsx test/bench/gdas-vs-darts.ts [layers=5] [channels=8] [batch=32] [steps=3]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src-main/engine/backend/select';
import { DartsConfig } from '../../src-shared/model/algorithms/darts';
import { GdasConfig } from '../../src-shared/model/algorithms/gdas';
import { Rng } from '../../src-shared/model/rng';
import { DartsStrategy } from '../../src-main/engine/search/oneshot/darts';
import { GdasStrategy } from '../../src-main/engine/search/sampled/gdas';
import type { DartsData } from '../../src-main/engine/search/oneshot/data';
import type { Reporter } from '../../src-main/engine/search/strategy';

const [layers, channels, batch, steps] = process.argv.slice(2).map(Number);
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

async function time(name: string, strategy: { step(): Promise<unknown>; dispose(): void }): Promise<number> {
  await strategy.step(); // warm-up: kernel setup, first optimizer state
  const t0 = performance.now();
  for (let i = 0; i < S; i++) await strategy.step();
  const ms = (performance.now() - t0) / S;
  console.log(`${name}: ${ms.toFixed(0)} ms/step (mean of ${S}, after one warm-up step); tensors ${tf.memory().numTensors}`);
  strategy.dispose();
  return ms;
}

async function main(): Promise<void> {
  const backend = await selectBackend({ allow: ['wasm', 'cpu'] });
  console.log(`backend ${backend.name}; DARTS space, ${L} cells, C=${C}, batch ${B} of 28×28×1`);
  const space = { kind: 'darts', layers: L, channels: C };
  const base = { space, epochs: 1, batchSize: B };
  const darts = await time('DARTS 1st order', new DartsStrategy({ config: DartsConfig.parse({ algorithm: 'darts', ...base }), rng: new Rng(0), reporter: quiet, resourcesDir: '' }, { data: data(1) }));
  const gdas = await time('GDAS', new GdasStrategy({ config: GdasConfig.parse({ algorithm: 'gdas', ...base, validBatches: 1 }), rng: new Rng(0), reporter: quiet, resourcesDir: '' }, data(1)));
  console.log(`GDAS / DARTS step time: ${(gdas / darts).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
