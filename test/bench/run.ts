/**
 * `npm run bench`: training speed and memory of the DARTS supernet on the wasm backend, against the
 * cpu backend and PyTorch (CPU, 1 and 2 threads) on the same machine in the same run.
 * Interleaved by rounds: PyTorch 1 thread, pure wasm, wasm + native kernels on 1 and 2 threads (own
 * processes), PyTorch 2 threads. Then the native step's profile and each one-shot method's step and
 * peak bytes against DARTS's.
 * Flags: `--default-size` also times CIFAR-size steps interleaved with PyTorch (cifar-bench.ts: DARTS's
 * default search network and the DARTS_V2 evaluation network; slow; `--default-rounds N`, default 1,
 * `--default-steps N` timed steps per process after its warm-up, default 1; `--eval-batch N` the
 * evaluation network's second batch size, default 32; `--default-sections default,eval,eval32,fmnist`
 * picks its sections, fmnist being the fmnist-cpu evaluation preset's network; `--default-size-only`
 * runs just that part);
 * `--rounds N` interleaved rounds (default 3); `--skip-cpu` skips the cpu-backend steps (~14 min);
 * `--big-run-chart` also times the charts on a 1,000,000-point run in Chromium (big-run-chart.ts, own process).
 * Figures: docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { softmaxWeights } from '../../src-main/engine/supernet/arch-params';
import { runCifarBench } from './cifar-bench';
import { methodsStep, nativeStep } from './children';
import { cpuMs, median } from './kernel-timer';
import { forwardFlops } from './flops';
import { pytorchStep, pytorchUnavailable } from './pytorch';
import { quickPresetShape } from './quick-preset';
import { buildSupernetStep, REFERENCE, type SupernetBenchShape } from './supernet-step';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = flag('--rounds', 3);
const SKIP_CPU = args.includes('--skip-cpu');
const WASM_STEPS_PER_ROUND = 2;
const NATIVE_STEPS_PER_ROUND = 2;
const MiB = 2 ** 20;

interface Timed {
  wallMs: number;
  cpuMs: number;
}

function timeSteps(step: () => unknown, steps: number): Timed[] {
  const out: Timed[] = [];
  for (let i = 0; i < steps; i++) {
    const wall = performance.now();
    const cpu = cpuMs();
    step();
    out.push({ wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu });
  }
  return out;
}

async function onBackend<T>(backend: string, body: () => T): Promise<T> {
  await tf.setBackend(backend);
  try {
    return body();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** One cpu-backend step (no warm-up: cpu is ~100× slower and has no operator set-up to amortise). */
async function cpuStepMs(shape: SupernetBenchShape): Promise<number> {
  return onBackend('cpu', () => {
    const bench = buildSupernetStep(shape);
    try {
      return timeSteps(bench.step, 1)[0].wallMs;
    } finally {
      bench.dispose();
    }
  });
}

function matMulGflops(n: number): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    times.push(performance.now() - start);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (median(times.slice(1)) * 1e6);
}

function stepFlops(shape: SupernetBenchShape): number {
  const bench = buildSupernetStep(shape);
  const input = tf.zeros(shape.input) as tf.Tensor4D;
  const forward = forwardFlops('wasm', () => bench.net.forward(input, softmaxWeights(bench.net.arch)));
  input.dispose();
  bench.dispose();
  return 3 * forward;
}

/** Live tensors after `steps` steps of the reference network at batch 2 (growth does not depend on batch). */
function tensorGrowth(steps: number): { first: number; last: number } {
  const bench = buildSupernetStep({ ...REFERENCE, input: [2, ...REFERENCE.input.slice(1)] as SupernetBenchShape['input'] });
  bench.step();
  const first = tf.memory().numTensors;
  for (let i = 1; i < steps; i++) bench.step();
  const last = tf.memory().numTensors;
  bench.dispose();
  return { first, last };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const loadAverage = async () => (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ');

/** The CIFAR-size part (`--default-size`): its lines, and its machine-readable lines for the end. */
function cifarPart(torchMissing: boolean): string[] {
  const i = args.indexOf('--default-sections');
  const only = i >= 0 ? args[i + 1].split(',') : undefined;
  const cifar = runCifarBench(flag('--default-rounds', 1), flag('--default-steps', 1), flag('--eval-batch', 32), torchMissing, only);
  for (const line of cifar.lines) console.log(line);
  return cifar.metrics;
}

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  console.log(`tfjs ${tf.version.tfjs}, wasm backend (SIMD, 1 thread), machine load ${await loadAverage()}`);
  if (args.includes('--default-size-only')) {
    const missing = pytorchUnavailable();
    if (missing) console.log(`PyTorch: skipped, ${missing}`);
    const metrics = cifarPart(missing !== null);
    console.log(`\nmachine load at the end ${await loadAverage()}\n${metrics.join('\n')}`);
    return;
  }

  const ceiling = matMulGflops(1024);
  console.log(`matMul 1024³ on wasm: ${ceiling.toFixed(1)} GFLOP/s (the ceiling for GEMM-shaped work)`);

  // The reference supernet: wasm and PyTorch interleaved so the shared machine's load hits both alike.
  const torchMissing = pytorchUnavailable();
  if (torchMissing) console.log(`PyTorch: skipped, ${torchMissing}`);
  const ref = buildSupernetStep(REFERENCE);
  ref.step(); // warm-up: XNNPACK operator creation, weight packing, JIT
  const wasmTimes: Timed[] = [];
  const torch: Record<number, number[]> = { 1: [], 2: [] };
  const native: Record<number, Timed[]> = { 1: [], 2: [] };
  let nativeMissing: string | undefined;
  let torchVersion = '';
  for (let round = 0; round < ROUNDS; round++) {
    if (!torchMissing) {
      const t = pytorchStep(1, 2);
      torch[1].push(t.stepMs);
      torchVersion = t.torch;
    }
    wasmTimes.push(...timeSteps(ref.step, WASM_STEPS_PER_ROUND));
    for (const threads of [1, 2]) {
      const r = nativeStep(threads, NATIVE_STEPS_PER_ROUND);
      nativeMissing ??= r.unavailable;
      native[threads].push(...r.wallMs.map((wallMs, i) => ({ wallMs, cpuMs: r.cpuMs[i] })));
    }
    if (!torchMissing) torch[2].push(pytorchStep(2, 2).stepMs);
  }
  ref.dispose();
  const heapAfterReference = backendMemory().heapBytes ?? 0;
  const wasmMs = median(wasmTimes.map((t) => t.wallMs));
  const wasmCpuMs = median(wasmTimes.map((t) => t.cpuMs));
  const flops = stepFlops(REFERENCE);
  const gflops = flops / (wasmMs * 1e6);

  console.log(`\n== ${REFERENCE.label}`);
  console.log(`wasm backend: ${fmt(wasmMs)} per step wall, ${fmt(wasmCpuMs)} CPU (median of ${wasmTimes.length})  = ${(1000 / wasmMs).toFixed(3)} steps/s`);
  if (!torchMissing) {
    for (const threads of [1, 2]) {
      const ms = median(torch[threads]);
      console.log(`PyTorch ${torchVersion} CPU, ${threads} thread${threads > 1 ? 's' : ''}: ${fmt(ms)} per step (median of ${torch[threads].length} runs of 2 steps) = ${(1000 / ms).toFixed(3)} steps/s`);
    }
  }
  const nativeMs = { 1: median(native[1].map((t) => t.wallMs)), 2: median(native[2].map((t) => t.wallMs)) };
  if (nativeMissing) console.log(`wasm + native kernels: addon not loaded (${nativeMissing}); the figures below are pure wasm`);
  for (const threads of [1, 2] as const) {
    console.log(`wasm + native kernels, ${threads} thread${threads > 1 ? 's' : ''}: ${fmt(nativeMs[threads])} per step wall, ${fmt(median(native[threads].map((t) => t.cpuMs)))} CPU (median of ${native[threads].length}, own process per round) = ${(1000 / nativeMs[threads]).toFixed(3)} steps/s`);
  }
  const bestNativeMs = Math.min(nativeMs[1], nativeMs[2]);
  console.log(`step FLOPs (3 × forward conv/depthwise/matMul): ${(flops / 1e9).toFixed(2)} GFLOP -> ${gflops.toFixed(2)} GFLOP/s on wasm, ${((100 * gflops) / ceiling).toFixed(1)} % of the matMul rate`);
  console.log(`wasm heap after the reference steps: ${(heapAfterReference / MiB).toFixed(0)} MiB (the heap never shrinks: this is the peak)`);
  const cpuMsRef = SKIP_CPU ? undefined : await cpuStepMs(REFERENCE);
  if (cpuMsRef === undefined) console.log('cpu backend: skipped (--skip-cpu)');
  else console.log(`cpu backend:  ${fmt(cpuMsRef)} per step (1 step)  = ${(1000 / cpuMsRef).toFixed(4)} steps/s; wasm is ${(cpuMsRef / wasmMs).toFixed(0)}× faster`);

  const profile = nativeStep(1, 2, true);
  const profiledMs = median(profile.cpuMs);
  console.log(`\n== where the native step's time goes (1 thread, CPU ms per step, kernel self-times; step ${profiledMs.toFixed(0)} ms CPU)`);
  console.log(`  ${'outside kernels (tfjs engine, tape, JS)'.padEnd(38)} ${profile.outsideKernelsMs!.toFixed(0).padStart(6)} ms  ${((100 * profile.outsideKernelsMs!) / profiledMs).toFixed(1).padStart(5)} %`);
  for (const k of profile.kernels!.slice(0, 16)) {
    console.log(`  ${k.name.padEnd(38)} ${k.selfMs.toFixed(0).padStart(6)} ms  ${((100 * k.selfMs) / profiledMs).toFixed(1).padStart(5)} %  ${k.calls.toFixed(0).padStart(5)} calls`);
  }

  const methods = methodsStep(2, 1);
  console.log(`\n== each one-shot method's step against DARTS's (first order), reference supernet, engine's default backend, native on 1 thread`);
  for (const line of methods.lines) console.log(`  ${line}`);

  const quick = quickPresetShape();
  console.log(`\n== quick preset`);
  if (typeof quick === 'string') console.log(`skipped: ${quick}`);
  else {
    console.log(quick.label);
    const bench = buildSupernetStep(quick);
    bench.step();
    const times = timeSteps(bench.step, 2);
    bench.dispose();
    const ms = median(times.map((t) => t.wallMs));
    const cpuQuick = SKIP_CPU ? undefined : await cpuStepMs(quick);
    const cpuPart = cpuQuick === undefined ? 'cpu backend: skipped' : `cpu backend: ${fmt(cpuQuick)} per step = ${(1000 / cpuQuick).toFixed(4)} steps/s`;
    console.log(`${cpuPart}; wasm: ${fmt(ms)} per step = ${(1000 / ms).toFixed(3)} steps/s${cpuQuick === undefined ? '' : ` (${(cpuQuick / ms).toFixed(0)}×)`}`);
  }

  const growth = tensorGrowth(50);
  console.log(`\ntensors alive after step 1: ${growth.first}, after step 50: ${growth.last} (reference network at batch 2)`);

  const cifarMetrics = args.includes('--default-size') ? cifarPart(torchMissing !== null) : [];

  if (args.includes('--big-run-chart')) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('./big-run-chart.ts', import.meta.url))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    console.log(`\n== big run chart (own process)\n${child.stdout.trim()}`);
  }

  const peakHeap = backendMemory().heapBytes ?? 0;
  console.log('');
  // Speed-ups are "their time / ours": above 1 means we are faster.
  console.log(`wasm_over_cpu_step_speedup=${cpuMsRef === undefined ? 'skipped' : (cpuMsRef / wasmMs).toFixed(1)}`);
  console.log(`pytorch_over_wasm_step_speedup=${torchMissing ? 'NA' : (median(torch[1]) / wasmMs).toFixed(2)}`);
  console.log(`pytorch_over_native_step_speedup=${torchMissing || nativeMissing ? 'NA' : (median(torch[1]) / nativeMs[1]).toFixed(2)}`);
  console.log(`pytorch2_over_native_step_speedup=${torchMissing || nativeMissing ? 'NA' : (median(torch[2]) / bestNativeMs).toFixed(2)}`);
  console.log(`pytorch2_over_native2_step_speedup=${torchMissing || nativeMissing ? 'NA' : (median(torch[2]) / nativeMs[2]).toFixed(2)}`);
  console.log(`native_two_thread_speedup=${nativeMissing ? 'NA' : (nativeMs[1] / nativeMs[2]).toFixed(2)}`);
  for (const line of cifarMetrics) console.log(line);
  for (const [key, value] of Object.entries(methods.ratios)) console.log(`${key}=${value.toFixed(3)}`);
  console.log(`wasm_step_gflops=${gflops.toFixed(2)}`);
  console.log(`matmul_ceiling_gflops=${ceiling.toFixed(1)}`);
  console.log(`wasm_step_share_of_matmul_rate=${(gflops / ceiling).toFixed(3)}`);
  console.log(`peak_heap_mib=${(peakHeap / MiB).toFixed(0)}`);
  console.log(`tensors_growth_50_steps=${growth.last - growth.first}`);
  console.log(`machine_load_at_end=${await loadAverage()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
