/**
 * One weight step of DARTS's default search network (C=16, 8 cells, batch 64, 32×32×3) on wasm, with
 * the memory plan the engine would choose (plain or per-cell recomputation); prints the plan, the
 * step time and the wasm heap's peak. Run by `npm run bench -- --default-size` in its own process so
 * its heap is its own. `npx tsx test/bench/default-size.ts [--plain]` (--plain: no recomputation).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DartsSpace } from '../../src-shared/model/space';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { planDartsMemory } from '../../src-main/engine/supernet/memory-plan';
import { buildSupernetStep, DEFAULT_SIZE } from './supernet-step';

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const [batch, height, width, inChannels] = DEFAULT_SIZE.input;
  const space = DartsSpace.parse({ kind: 'darts', ...DEFAULT_SIZE.space });
  const plan = await planDartsMemory(space, { height, width, inChannels, numClasses: DEFAULT_SIZE.numClasses }, batch, 1);
  const recompute = process.argv.includes('--plain') ? undefined : (plan.recompute ?? undefined);
  console.log(`${DEFAULT_SIZE.label}: ${plan.note}; estimate ${(plan.estimate.bytes / 2 ** 20).toFixed(0)} MiB; running with recompute=${recompute ?? 'none'}`);
  const bench = buildSupernetStep(DEFAULT_SIZE, { recompute });
  const start = performance.now();
  const loss = bench.step();
  const ms = performance.now() - start;
  bench.dispose();
  const heap = backendMemory().heapBytes ?? 0;
  console.log(`step ${(ms / 1000).toFixed(1)} s (first step, includes operator set-up), loss ${loss.toFixed(3)}, peak wasm heap ${(heap / 2 ** 20).toFixed(0)} MiB`);
  console.log(`default_size_peak_heap_mib=${(heap / 2 ** 20).toFixed(0)}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
