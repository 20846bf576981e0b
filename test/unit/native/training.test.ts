import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DartsConfig } from '../../../src-shared/model/algorithms/darts';
import type { Batch } from '../../../src-main/engine/data/batches';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { registerNativeKernels, setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { DartsStrategy } from '../../../src-main/engine/search/oneshot/darts';
import type { BatchSource } from '../../../src-main/engine/search/oneshot/data';
import { randn } from '../ops/gradcheck';
import { recorder } from '../darts/fixtures';
import { Rng, startBusyThread } from './harness';

// The engine's own setup: wasm, our training kernels, then the default native kernels over them.
await tf.setBackend('wasm');
registerTrainingKernels();
const native = registerNativeKernels();
if (!native.loaded) console.warn(`native training test skipped: ${native.reason}`);

// 16 channels on 16×16 maps, batch 32: the separable and dilated convolutions' filter gradients
// and the stem's batch norm (32·16·16·16 = 2^17 elements) are large enough to run on 2 threads.
const SPACE = { kind: 'darts', ops: ['sep_conv_3x3', 'dil_conv_3x3', 'avg_pool_3x3', 'skip_connect'], nodes: 1, layers: 3, channels: 16, stemMultiplier: 1 } as const;

function batch(rng: Rng): Batch {
  return { x: randn(rng, [32, 16, 16, 1]) as tf.Tensor4D, y: tf.tensor1d(Array.from({ length: 32 }, () => rng.int(3)), 'int32'), epoch: 0 };
}

function batches(seed: number): BatchSource {
  const rng = new Rng(seed);
  return { next: () => batch(rng) };
}

/** The losses, every metric and the final α of a 3-step DARTS search from fixed seeds. */
async function train(): Promise<{ losses: number[]; metrics: string[]; alphas: number[] }> {
  const config = DartsConfig.parse({ algorithm: 'darts', epochs: 1, space: SPACE, reportEvery: 1, validBatches: 1, hessianIters: 2 });
  const rec = recorder();
  const strategy = new DartsStrategy(
    { config, rng: new Rng(7), reporter: rec.reporter, resourcesDir: '' },
    { data: { train: batches(1), valid: batches(2), inChannels: 1, numClasses: 3, stepsPerEpoch: 3, validation: function* () { yield batch(new Rng(3)); } } },
  );
  for (let i = 0; i < 3; i++) await strategy.step();
  const losses = rec.metrics.filter((m) => m.key.endsWith('loss')).map((m) => m.value);
  const metrics = rec.metrics.map((m) => `${m.key}@${m.step}=${m.value}`);
  const alphas = strategy.alphas().cells.flatMap((cell) => cell.alpha.flat());
  strategy.dispose();
  return { losses, metrics, alphas };
}

describe.skipIf(!native.loaded)(`training with the native kernels (${native.reason})`, () => {
  it('two runs of the same seeded search on 2 threads give bit-identical losses, metrics and α, one beside a busy thread, and 1 thread agrees', async () => {
    setNativeThreads(2);
    const quiet = await train();
    const stop = startBusyThread();
    let busy: Awaited<ReturnType<typeof train>>;
    try {
      busy = await train();
    } finally {
      await stop();
    }
    expect(quiet.losses.length).toBeGreaterThanOrEqual(6);
    expect(quiet.losses.every(Number.isFinite)).toBe(true);
    // toEqual on numbers is Object.is per element: bit-identical float64 values.
    expect(busy.losses).toEqual(quiet.losses);
    expect(busy.metrics).toEqual(quiet.metrics);
    expect(busy.alphas).toEqual(quiet.alphas);
    // And the same on one thread: a run resumed with another NAS_NATIVE_THREADS continues identically.
    setNativeThreads(1);
    const single = await train();
    expect(single.metrics).toEqual(quiet.metrics);
    expect(single.alphas).toEqual(quiet.alphas);
  }, 120_000);
});
