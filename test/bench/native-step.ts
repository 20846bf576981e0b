/**
 * The reference supernet step on the wasm backend with the native kernels over our composed/SIMD
 * ones (what the engine runs by default, `backend/select.ts`). Run by `run.ts` as a child each round
 * so the thread count is fixed per process; prints one JSON line.
 * `npx tsx test/bench/native-step.ts <threads> <steps> [--profile]` (--profile: kernel self-times).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { registerNativeKernels, setNativeThreads } from '../../src-main/engine/backend/native/index';
import { cpuMs, instrumentKernels, type KernelTime } from './kernel-timer';
import { buildSupernetStep, REFERENCE } from './supernet-step';

export interface NativeStepResult {
  threads: number;
  /** Why the addon did not load; the steps then ran on pure wasm and mean nothing here. */
  unavailable?: string;
  wallMs: number[];
  cpuMs: number[];
  /** With --profile: per-kernel self CPU ms per step, and the step's CPU ms outside any kernel. */
  kernels?: KernelTime[];
  outsideKernelsMs?: number;
}

async function main() {
  const [threads, steps] = process.argv.slice(2, 4).map(Number);
  const profile = process.argv.includes('--profile');
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const registration = registerNativeKernels();
  const result: NativeStepResult = { threads, wallMs: [], cpuMs: [] };
  if (!registration.loaded) result.unavailable = registration.reason;
  else setNativeThreads(threads);
  const bench = buildSupernetStep(REFERENCE);
  bench.step(); // warm-up: XNNPACK operator creation, weight packing, JIT
  const timer = profile ? instrumentKernels('wasm') : undefined;
  for (let i = 0; i < steps; i++) {
    const wall = performance.now();
    const cpu = cpuMs();
    bench.step();
    result.wallMs.push(performance.now() - wall);
    result.cpuMs.push(cpuMs() - cpu);
  }
  if (timer !== undefined) {
    timer.uninstall();
    result.kernels = timer.report().map((k) => ({ name: k.name, calls: k.calls / steps, selfMs: k.selfMs / steps }));
    const inKernels = result.kernels.reduce((a, k) => a + k.selfMs, 0);
    result.outsideKernelsMs = result.cpuMs.reduce((a, b) => a + b, 0) / steps - inKernels;
  }
  bench.dispose();
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
