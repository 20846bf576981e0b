/**
 * Times every kernel of a stand-in DARTS training step on the wasm backend, with the stock kernels
 * and with ours, and prints self-times. `npx tsx test/bench/profile-step.ts [steps]`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { cpuMs, instrumentKernels, median } from './kernel-timer';
import { buildStandIn } from './standin-edge';

const STEPS = Number(process.argv[2] ?? 4);
const SHAPES: Array<[number, number, number, number]> = [
  [32, 16, 16, 16],
  [32, 28, 28, 8],
];

function profile(label: string, shape: [number, number, number, number]): number {
  const net = buildStandIn(shape, 1);
  net.step(); // warm-up: XNNPACK operator creation, JIT
  const timer = instrumentKernels('wasm');
  const times: number[] = [];
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < STEPS; i++) {
    const start = cpuMs();
    net.step();
    times.push(cpuMs() - start);
  }
  timer.uninstall();
  const leaked = tf.memory().numTensors - tensorsBefore;
  const kernels = timer.report();
  const inKernels = kernels.reduce((a, k) => a + k.selfMs, 0) / STEPS;
  const step = median(times);
  console.log(`\n== ${label} [${shape}] step median ${step.toFixed(1)} ms CPU (${STEPS} steps), kernels ${inKernels.toFixed(1)} ms/step, tensors leaked ${leaked}`);
  for (const k of kernels.slice(0, 18)) {
    const perStep = k.selfMs / STEPS;
    console.log(`  ${k.name.padEnd(38)} ${perStep.toFixed(2).padStart(8)} ms/step  ${(k.calls / STEPS).toFixed(0).padStart(4)} calls  ${((100 * perStep) / step).toFixed(1).padStart(5)} %`);
  }
  net.dispose();
  return step;
}

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  for (const shape of SHAPES) {
    restoreStockKernels();
    const stock = profile('stock wasm kernels (+ the 3 missing ones)', shape);
    registerTrainingKernels();
    const ours = profile('our training kernels', shape);
    console.log(`  -> speed-up ${(stock / ours).toFixed(2)}x`);
  }
  const mem = backendMemory();
  console.log(`\nwasm heap now ${(mem.heapBytes! / 2 ** 20).toFixed(0)} MiB (ceiling ${mem.ceilingBytes / 2 ** 30} GiB)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
