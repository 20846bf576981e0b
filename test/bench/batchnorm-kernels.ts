// Fused batch norm per call at the reference supernet's shapes: the composed tf ops (what
// batchNormNoAffine runs without the fused kernels), our wasm SIMD kernels, and the native ones on 1
// and 2 threads. Process CPU time per call (the machine is shared: wall time swings with other
// jobs), except for native on 2 threads: wall time. Run: npx tsx test/bench/batchnorm-kernels.ts
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../src-main/engine/backend/kernels/batch-norm-names';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { registerNativeKernels, setNativeThreads } from '../../src-main/engine/backend/native/index';
import { batchNormNoAffine } from '../../src-main/engine/ops/primitives';
import { Rng } from '../../src-shared/model/rng';
import { cpuMs } from './kernel-timer';

const SHAPES = [[32, 28, 28, 24], [32, 28, 28, 8], [32, 14, 14, 16], [32, 7, 7, 32]] as const;

let clock = cpuMs;

function median(run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  const until = performance.now() + 400;
  while (times.length < 5 || (performance.now() < until && times.length < 200)) {
    const start = clock();
    run();
    times.push(clock() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Forward and backward kernel time of one config pair, ms per call each. */
function timeKernels(backend: BackendWasm, forward: tf.KernelConfig, grad: tf.KernelConfig, x: tf.Tensor, dy: tf.Tensor): [number, number] {
  const call = (config: tf.KernelConfig, inputs: tf.NamedTensorInfoMap) => config.kernelFunc({ inputs, attrs: {}, backend }) as tf.TensorInfo | tf.TensorInfo[];
  const [y, invStd] = call(forward, { x }) as tf.TensorInfo[];
  const f = median(() => (call(forward, { x }) as tf.TensorInfo[]).forEach((t) => backend.disposeData(t.dataId)));
  const g = median(() => backend.disposeData((call(grad, { dy, y, invStd }) as tf.TensorInfo).dataId));
  backend.disposeData(y.dataId);
  backend.disposeData(invStd.dataId);
  return [f, g];
}

/** Forward plus backward through batchNormNoAffine with the fused kernels unregistered. */
function timeComposed(x: tf.Tensor4D, dy: tf.Tensor4D): number {
  const fused = [tf.getKernel(BATCH_NORM_TRAIN, 'wasm'), tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm')] as tf.KernelConfig[];
  fused.forEach((k) => tf.unregisterKernel(k.kernelName, 'wasm'));
  const ms = median(() => tf.tidy(() => void tf.grad((v: tf.Tensor) => batchNormNoAffine(v as tf.Tensor4D))(x, dy)));
  fused.forEach((k) => tf.registerKernel(k));
  return ms;
}

await tf.setBackend('wasm');
registerTrainingKernels();
const backend = tf.backend() as BackendWasm;
const simd = [tf.getKernel(BATCH_NORM_TRAIN, 'wasm'), tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm')] as tf.KernelConfig[];
const registration = registerNativeKernels({ kernels: [BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD] });
const native = [tf.getKernel(BATCH_NORM_TRAIN, 'wasm'), tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm')] as tf.KernelConfig[];
if (!registration.loaded) console.log(`native kernels not loaded: ${registration.reason}`);
const rng = new Rng(1);
const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
console.log('| shape | composed fwd+bwd CPU ms | SIMD fwd / bwd CPU ms | native 1t fwd / bwd CPU ms | native 2t fwd / bwd wall ms |');
console.log('|---|---|---|---|---|');
for (const shape of SHAPES) {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor4d(Float32Array.from({ length: size }, () => 3 + rng.normal()), [...shape]);
  const dy = tf.tensor4d(Float32Array.from({ length: size }, () => rng.normal()), [...shape]);
  // Composed: the fused kernels (SIMD or native) unregistered for the measurement.
  const composed = timeComposed(x, dy);
  const [sf, sg] = timeKernels(backend, simd[0], simd[1], x, dy);
  let cells = '— | —';
  if (registration.loaded) {
    setNativeThreads(1);
    const [n1f, n1g] = timeKernels(backend, native[0], native[1], x, dy);
    setNativeThreads(2);
    clock = () => performance.now();
    const [n2f, n2g] = timeKernels(backend, native[0], native[1], x, dy);
    clock = cpuMs;
    cells = `${fmt(n1f)} / ${fmt(n1g)} | ${fmt(n2f)} / ${fmt(n2g)}`;
  }
  console.log(`| [${shape}] | ${fmt(composed)} | ${fmt(sf)} / ${fmt(sg)} | ${cells} |`);
  tf.dispose([x, dy]);
}
