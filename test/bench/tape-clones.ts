/**
 * The reference step with tfjs's own saved-tensor clones against ours (backend/tape-clones.ts),
 * alternating step by step in one process so the shared machine's load hits both alike.
 * `npx tsx test/bench/tape-clones.ts [pairs]` (NAS_NATIVE=0: pure wasm). CPU ms per step.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { registerNativeKernels } from '../../src-main/engine/backend/native/index';
import { cpuMs, median } from './kernel-timer';
import { buildSupernetStep, REFERENCE } from './supernet-step';

type Clone = (x: tf.Tensor) => tf.Tensor;

async function main() {
  const pairs = Number(process.argv[2] ?? 5);
  await tf.setBackend('wasm');
  const engine = tf.engine() as unknown as { clone: Clone };
  const tfjsClone = engine.clone;
  registerTrainingKernels(); // installs the light clones
  const lightClone = engine.clone;
  if (lightClone === tfjsClone) throw new Error('the light clones were not installed');
  registerNativeKernels();
  const bench = buildSupernetStep(REFERENCE);
  bench.step();
  const times: Record<'tfjs' | 'light', number[]> = { tfjs: [], light: [] };
  for (let i = 0; i < pairs; i++) {
    for (const side of i % 2 === 0 ? (['tfjs', 'light'] as const) : (['light', 'tfjs'] as const)) {
      engine.clone = side === 'tfjs' ? tfjsClone : lightClone;
      const start = cpuMs();
      bench.step();
      times[side].push(cpuMs() - start);
    }
  }
  engine.clone = lightClone;
  bench.dispose();
  for (const side of ['tfjs', 'light'] as const) console.log(`${side.padEnd(5)} clones: median ${median(times[side]).toFixed(0)} ms CPU per step (${times[side].map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`tfjs_over_light_clone_step=${(median(times.tfjs) / median(times.light)).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
