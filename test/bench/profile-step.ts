/**
 * Per-kernel self-times (CPU time) of the real DARTS supernet's training step on the wasm backend,
 * with the native kernels over ours as the engine runs it (NAS_NATIVE=0: pure wasm;
 * NAS_NATIVE_THREADS sets their threads).
 * `npx tsx test/bench/profile-step.ts [steps] [--stock] [--recompute=cells|edges] [--no-timer]
 * [--cpu-prof=FILE]` (--stock: tfjs's stock kernels, plus the three wasm lacks, no native ones;
 * --recompute: gradient checkpointing; --no-timer: step times only, no per-kernel wrapper;
 * --cpu-prof: V8's sampling profile of the timed steps only, implies --no-timer; summarise it with
 * cpuprofile-summary.ts).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { registerNativeKernels } from '../../src-main/engine/backend/native/index';
import { cpuMs, instrumentKernels, median } from './kernel-timer';
import { buildSupernetStep, REFERENCE } from './supernet-step';

const args = process.argv.slice(2);
const STEPS = Number(args.find((a) => /^\d+$/.test(a)) ?? 2);

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const stock = args.includes('--stock');
  if (stock) restoreStockKernels();
  const native = stock ? undefined : registerNativeKernels();
  console.log(stock ? 'stock kernels' : native?.loaded ? `native kernels (${native.reason})` : `no native kernels: ${native?.reason}`);
  const mode = args.find((a) => a.startsWith('--recompute='))?.slice('--recompute='.length);
  const bench = buildSupernetStep(REFERENCE, mode === 'cells' || mode === 'edges' ? { recompute: mode } : {});
  bench.step(); // warm-up: XNNPACK operator creation, JIT
  const profileFile = args.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
  const timer = args.includes('--no-timer') || profileFile !== undefined ? undefined : instrumentKernels('wasm');
  const session = profileFile === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const start = cpuMs();
    bench.step();
    times.push(cpuMs() - start);
  }
  if (session !== undefined && profileFile !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
    console.log(`CPU profile of the ${STEPS} timed steps: ${profileFile}`);
  }
  const step = median(times);
  if (timer === undefined) {
    console.log(`${REFERENCE.label}: step median ${step.toFixed(0)} ms CPU (${STEPS} steps: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  } else {
    timer.uninstall();
    const kernels = timer.report();
    const inKernels = kernels.reduce((a, k) => a + k.selfMs, 0) / STEPS;
    const calls = kernels.reduce((a, k) => a + k.calls, 0) / STEPS;
    const mean = times.reduce((a, b) => a + b, 0) / STEPS;
    console.log(
      `${REFERENCE.label}: step median ${step.toFixed(0)} ms CPU (${STEPS} steps), in kernels ${inKernels.toFixed(0)} ms/step, ` +
        `outside ${(mean - inKernels).toFixed(0)} ms/step (mean), ${calls.toFixed(0)} kernel calls/step, ` +
        `${((1000 * (mean - inKernels)) / calls).toFixed(1)} µs outside per call`,
    );
    for (const k of kernels.slice(0, 30)) {
      const perStep = k.selfMs / STEPS;
      console.log(`  ${k.name.padEnd(38)} ${perStep.toFixed(1).padStart(8)} ms/step  ${(k.calls / STEPS).toFixed(0).padStart(5)} calls  ${((100 * perStep) / step).toFixed(1).padStart(5)} %`);
    }
  }
  bench.dispose();
  console.log(`wasm heap ${(backendMemory().heapBytes! / 2 ** 20).toFixed(0)} MiB, ${tf.memory().numTensors} tensors after dispose`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
