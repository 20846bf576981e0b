/**
 * Per-kernel self-times (CPU time) of the real DARTS supernet's training step on the wasm backend.
 * `npx tsx test/bench/profile-step.ts [steps] [--stock] [--recompute=cells|edges]` (--stock: tfjs's
 * stock kernels, plus the three wasm lacks; --recompute: gradient checkpointing).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { cpuMs, instrumentKernels, median } from './kernel-timer';
import { buildSupernetStep, REFERENCE } from './supernet-step';

const args = process.argv.slice(2);
const STEPS = Number(args.find((a) => /^\d+$/.test(a)) ?? 2);

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  if (args.includes('--stock')) restoreStockKernels();
  const mode = args.find((a) => a.startsWith('--recompute='))?.slice('--recompute='.length);
  const bench = buildSupernetStep(REFERENCE, mode === 'cells' || mode === 'edges' ? { recompute: mode } : {});
  bench.step(); // warm-up: XNNPACK operator creation, JIT
  const timer = instrumentKernels('wasm');
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const start = cpuMs();
    bench.step();
    times.push(cpuMs() - start);
  }
  timer.uninstall();
  const kernels = timer.report();
  const inKernels = kernels.reduce((a, k) => a + k.selfMs, 0) / STEPS;
  const calls = kernels.reduce((a, k) => a + k.calls, 0) / STEPS;
  const step = median(times);
  console.log(`${REFERENCE.label}: step median ${step.toFixed(0)} ms CPU (${STEPS} steps), in kernels ${inKernels.toFixed(0)} ms/step, ${calls.toFixed(0)} kernel calls/step`);
  for (const k of kernels.slice(0, 30)) {
    const perStep = k.selfMs / STEPS;
    console.log(`  ${k.name.padEnd(38)} ${perStep.toFixed(1).padStart(8)} ms/step  ${(k.calls / STEPS).toFixed(0).padStart(5)} calls  ${((100 * perStep) / step).toFixed(1).padStart(5)} %`);
  }
  bench.dispose();
  console.log(`wasm heap ${(backendMemory().heapBytes! / 2 ** 20).toFixed(0)} MiB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
