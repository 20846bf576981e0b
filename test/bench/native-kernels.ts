// Per kernel: the stock wasm kernel (where tfjs has one) against the native one on 1 and 2
// threads, batch 32 DARTS shapes. Where the native kernel hands a case back to XNNPACK (3×3
// undilated depthwise forward, untransposed matMul) both columns time the stock kernel. Run: npx tsx test/bench/native-kernels.ts
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
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
  ...dw([32, 16, 16, 16], 3, 1, 1),
  ...dw([32, 16, 16, 16], 5, 1, 2),
  ...dw([32, 16, 16, 16], 3, 2, 1),
  ...dw([32, 8, 8, 32], 5, 1, 1),
  ...conv([32, 16, 16, 16], 1, 16, 1),
  ...conv([32, 16, 16, 16], 3, 16, 1),
  ...conv([32, 8, 8, 32], 1, 32, 1),
  ...pool([32, 16, 16, 16], 1),
  ...pool([32, 16, 16, 16], 2),
  matmul(512, 512, 512, false, false),
  matmul(512, 512, 512, true, false),
  matmul(512, 512, 512, false, true),
  matmul(8192, 16, 16, false, false),
  matmul(16, 8192, 16, true, false),
  matmul(32, 256, 10, false, true),
];

function timeKernel(config: tf.KernelConfig, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: object): number {
  const run = () => {
    const out = config.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend }) as tf.TensorInfo;
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
const backend = tf.backend() as BackendWasm;
const stock = new Map(benches.map((b) => [b.kernel, tf.getKernel(b.kernel, 'wasm')]));
const registration = registerNativeKernels({ kernels: NATIVE_KERNEL_NAMES });
if (!registration.loaded) {
  console.log(`native kernels not loaded: ${registration.reason}`);
  process.exit(0);
}
const rng = new Rng(1);
const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
console.log('| kernel | shape | stock wasm ms | native 1 thread ms | native 2 threads ms | speed-up 1t / 2t |');
console.log('|---|---|---|---|---|---|');
for (const b of benches) {
  const tensors = Object.fromEntries(
    Object.entries(b.inputs).map(([name, shape]) => [name, tf.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape)]),
  );
  const mine = tf.getKernel(b.kernel, 'wasm') as tf.KernelConfig;
  const original = stock.get(b.kernel);
  const stockMs = original === undefined ? undefined : timeKernel(original, backend, tensors, b.attrs);
  setNativeThreads(1);
  const one = timeKernel(mine, backend, tensors, b.attrs);
  setNativeThreads(2);
  const two = timeKernel(mine, backend, tensors, b.attrs);
  const gain = stockMs === undefined ? '—' : `${(stockMs / one).toFixed(1)}× / ${(stockMs / two).toFixed(1)}×`;
  console.log(`| ${b.kernel} | ${b.label} | ${fmt(stockMs)} | ${fmt(one)} | ${fmt(two)} | ${gain} |`);
  tf.dispose(Object.values(tensors));
}
