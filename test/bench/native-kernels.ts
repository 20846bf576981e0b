// Per kernel: the wasm kernel the engine registers before the native ones (ours from
// registerTrainingKernels, else tfjs's stock one) against the native one on 1 and 2 threads,
// batch 32 DARTS shapes. Depthwise and conv rows time the raw native kernel (no hand-back
// to XNNPACK); the untransposed matMul row times the stock kernel in both columns.
// NAS_NATIVE_COMPARE=<other .node> adds that build's depthwise/conv kernels (e.g. the previous
// build, copied aside) as "old" columns, interleaved with the new ones in the same process.
// Run: npx tsx test/bench/native-kernels.ts [text] (only rows whose kernel or shape contains text)
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { convKernels, depthwiseKernels } from '../../src-main/engine/backend/native/conv-kernels';
import type { KernelFn } from '../../src-main/engine/backend/native/heap';
import { loadAddon, type NativeAddon } from '../../src-main/engine/backend/native/addon';
import { NATIVE_KERNEL_NAMES, registerNativeKernels, setNativeThreads } from '../../src-main/engine/backend/native/index';
import { Rng } from '../../src-shared/model/rng';

interface Bench { label: string; kernel: string; inputs: Record<string, number[]>; attrs: object }

const dw = (shape: number[], k: number, stride: number, dilation: number): Bench[] => {
  const attrs = { strides: stride, dilations: dilation, pad: 'same' };
  const [n, h, w, c] = shape;
  const out = [n, Math.ceil(h / stride), Math.ceil(w / stride), c];
  const label = `[${shape}] ${k}x${k} s${stride} d${dilation}`;
  return [
    { label, kernel: tf.DepthwiseConv2dNative, inputs: { x: shape, filter: [k, k, c, 1] }, attrs },
    { label, kernel: tf.DepthwiseConv2dNativeBackpropInput, inputs: { dy: out, filter: [k, k, c, 1] }, attrs: { ...attrs, inputShape: shape } },
    { label, kernel: tf.DepthwiseConv2dNativeBackpropFilter, inputs: { x: shape, dy: out }, attrs: { ...attrs, filterShape: [k, k, c, 1] } },
  ];
};
const conv = (shape: number[], k: number, co: number, stride: number): Bench[] => {
  const attrs = { strides: stride, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
  const [n, h, w, c] = shape;
  const out = [n, Math.ceil(h / stride), Math.ceil(w / stride), co];
  const label = `[${shape}] ${k}x${k}→${co} s${stride}`;
  return [
    { label, kernel: tf.Conv2D, inputs: { x: shape, filter: [k, k, c, co] }, attrs },
    { label, kernel: tf.Conv2DBackpropInput, inputs: { dy: out, filter: [k, k, c, co] }, attrs: { ...attrs, inputShape: shape } },
    { label, kernel: tf.Conv2DBackpropFilter, inputs: { x: shape, dy: out }, attrs: { ...attrs, filterShape: [k, k, c, co] } },
  ];
};
const pool = (shape: number[], stride: number): Bench[] => {
  const [n, h, w, c] = shape;
  const out = [n, Math.ceil(h / stride), Math.ceil(w / stride), c];
  const attrs = { filterSize: 3, strides: stride, pad: 'same' };
  const label = `[${shape}] 3x3 s${stride}`;
  return [
    { label, kernel: tf.MaxPoolGrad, inputs: { dy: out, input: shape, output: out }, attrs },
    { label, kernel: tf.AvgPoolGrad, inputs: { dy: out, input: shape }, attrs },
  ];
};
const matmul = (m: number, k: number, n: number, ta: boolean, tb: boolean): Bench => ({
  label: `${m}x${k}x${n} tA=${ta ? 1 : 0} tB=${tb ? 1 : 0}`,
  kernel: tf.BatchMatMul,
  inputs: { a: ta ? [1, k, m] : [1, m, k], b: tb ? [1, n, k] : [1, k, n] },
  attrs: { transposeA: ta, transposeB: tb },
});

const benches: Bench[] = [
  ...dw([32, 28, 28, 8], 3, 1, 1),
  ...dw([32, 28, 28, 8], 5, 1, 1),
  ...dw([32, 28, 28, 8], 3, 1, 2),
  ...dw([32, 28, 28, 8], 5, 1, 2),
  ...dw([32, 28, 28, 16], 5, 2, 1),
  ...dw([32, 28, 28, 16], 3, 1, 2),
  ...dw([32, 14, 14, 16], 5, 1, 1),
  ...dw([32, 14, 14, 16], 3, 1, 2),
  ...dw([32, 7, 7, 32], 5, 1, 1),
  ...dw([32, 7, 7, 32], 5, 1, 2),
  ...conv([32, 28, 28, 8], 1, 8, 1),
  ...conv([32, 28, 28, 24], 1, 8, 1),
  ...conv([32, 14, 14, 16], 1, 16, 1),
  ...conv([32, 28, 28, 16], 1, 8, 2),
  ...conv([32, 7, 7, 32], 1, 32, 1),
  ...conv([32, 16, 16, 16], 3, 16, 1),
  ...pool([32, 16, 16, 16], 1),
  ...pool([32, 16, 16, 16], 2),
  matmul(512, 512, 512, false, false),
  matmul(512, 512, 512, true, false),
  matmul(512, 512, 512, false, true),
  matmul(8192, 16, 16, false, false),
  matmul(16, 8192, 16, true, false),
  matmul(32, 256, 10, false, true),
];

function timeKernel(kernelFunc: tf.KernelFunc | KernelFn, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: object): number {
  const run = () => {
    const out = (kernelFunc as KernelFn)({ inputs, attrs: attrs as tf.NamedAttrMap, backend }) as tf.TensorInfo;
    backend.disposeData(out.dataId);
  };
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  const until = performance.now() + 400;
  while (times.length < 5 || (performance.now() < until && times.length < 200)) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

await tf.setBackend('wasm');
registerTrainingKernels();
const backend = tf.backend() as BackendWasm;
const stock = new Map(benches.map((b) => [b.kernel, tf.getKernel(b.kernel, 'wasm')]));
const registration = registerNativeKernels({ kernels: NATIVE_KERNEL_NAMES });
if (!registration.loaded) {
  console.log(`native kernels not loaded: ${registration.reason}`);
  process.exit(0);
}
/** Depthwise and conv kernels of an addon without the hand-back to XNNPACK. */
const rawKernels = (addon: NativeAddon): Record<string, KernelFn> => ({ ...depthwiseKernels(addon, () => undefined), ...convKernels(addon, () => undefined) });
const current = rawKernels(loadAddon().addon as NativeAddon);
const comparePath = process.env.NAS_NATIVE_COMPARE;
const old = comparePath ? rawKernels(createRequire(import.meta.url)(comparePath) as NativeAddon) : undefined;
const rng = new Rng(1);
const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
const ratio = (a: number | undefined, b: number) => (a === undefined ? '—' : `${(a / b).toFixed(1)}×`);
console.log('| kernel | shape | wasm ms | old 1t ms | native 1t ms | old 2t ms | native 2t ms | wasm/1t | old/new 1t | old/new 2t |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const only = process.argv[2];
for (const b of benches.filter((x) => only === undefined || `${x.kernel} ${x.label}`.includes(only))) {
  const tensors = Object.fromEntries(
    Object.entries(b.inputs).map(([name, shape]) => [name, tf.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape)]),
  );
  const mine = current[b.kernel] ?? (tf.getKernel(b.kernel, 'wasm') as tf.KernelConfig).kernelFunc;
  const before = old?.[b.kernel];
  const original = stock.get(b.kernel);
  const stockMs = original === undefined ? undefined : timeKernel(original.kernelFunc, backend, tensors, b.attrs);
  const times: Record<string, number | undefined> = {};
  for (const threads of [1, 2]) {
    setNativeThreads(threads);
    times[`old${threads}`] = before === undefined ? undefined : timeKernel(before, backend, tensors, b.attrs);
    times[`new${threads}`] = timeKernel(mine, backend, tensors, b.attrs);
  }
  const [o1, n1, o2, n2] = [times.old1, times.new1 as number, times.old2, times.new2 as number];
  console.log(`| ${b.kernel} | ${b.label} | ${fmt(stockMs)} | ${fmt(o1)} | ${fmt(n1)} | ${fmt(o2)} | ${fmt(n2)} | ${ratio(stockMs, n1)} | ${ratio(o1, n1)} | ${ratio(o2, n2)} |`);
  tf.dispose(Object.values(tensors));
}
