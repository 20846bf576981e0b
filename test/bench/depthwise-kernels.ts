/**
 * CPU time per call of the depthwise convolution and its input gradient on the wasm backend, on the
 * reference step's shapes (DARTS sep_conv k3/k5 and dil_conv k3/k5 d2, stride 1 and 2): stock
 * XNNPACK (forward) and the composed input gradient running on it (zero-stuffed dy, reversed
 * filter) against the generated SIMD kernels, interleaved rep by rep, with nominal GFLOP/s
 * (2·N·OH·OW·C·fh·fw, taps in the padding included). `npx tsx test/bench/depthwise-kernels.ts [reps]`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { depthwiseInputGradient } from '../../src-main/engine/backend/kernels/DepthwiseConv2dNativeBackpropInput';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { stockKernel } from '../../src-main/engine/backend/kernels/stock';
import { cpuMs, median } from './kernel-timer';

type Shape4 = [number, number, number, number];
const shapes: Array<{ x: Shape4; stride: number }> = [
  { x: [32, 28, 28, 8], stride: 1 },
  { x: [32, 28, 28, 16], stride: 2 },
  { x: [32, 14, 14, 16], stride: 1 },
  { x: [32, 14, 14, 32], stride: 2 },
  { x: [32, 7, 7, 32], stride: 1 },
];
const filters: Array<{ k: number; d: number }> = [
  { k: 3, d: 1 },
  { k: 5, d: 1 },
  { k: 3, d: 2 },
  { k: 5, d: 2 },
];

/** Runs `body` with the stock XNNPACK forward kernel registered in place of ours. */
function withStockForward<T>(body: () => T): T {
  const ours = tf.getKernel(tf.DepthwiseConv2dNative, 'wasm');
  if (ours === undefined) throw new Error('no DepthwiseConv2dNative kernel registered');
  tf.unregisterKernel(tf.DepthwiseConv2dNative, 'wasm');
  tf.registerKernel(stockKernel(tf.DepthwiseConv2dNative));
  try {
    return body();
  } finally {
    tf.unregisterKernel(tf.DepthwiseConv2dNative, 'wasm');
    tf.registerKernel(ours);
  }
}

function timed(run: () => tf.Tensor): number {
  const start = cpuMs();
  tf.dispose(run());
  return cpuMs() - start;
}

function compare(label: string, flops: number, reps: number, old: () => tf.Tensor, ours: () => tf.Tensor): void {
  timed(old);
  timed(ours);
  const [a, b]: number[][] = [[], []];
  for (let i = 0; i < reps; i++) {
    a.push(timed(old));
    b.push(timed(ours));
  }
  const [ma, mb] = [median(a), median(b)];
  const gflops = (ms: number) => (flops / ms / 1e6).toFixed(2);
  console.log(
    label.padEnd(34),
    ma.toFixed(3).padStart(8), gflops(ma).padStart(7),
    mb.toFixed(3).padStart(8), gflops(mb).padStart(7),
    `${(ma / mb).toFixed(2)}x`.padStart(8),
  );
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 20);
  await tf.setBackend('wasm');
  registerTrainingKernels();
  console.log('shape / filter / pass                old ms  GFLOP/s  ours ms  GFLOP/s  speed-up');
  for (const { x: xShape, stride } of shapes) {
    for (const { k, d } of filters) {
      const pad = (d * (k - 1)) / 2;
      const attrs = { strides: stride, pad, dilations: d };
      const fShape: Shape4 = [k, k, xShape[3], 1];
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, stride, d, pad, undefined, true);
      const x = tf.randomNormal(xShape);
      const f = tf.randomNormal(fShape);
      const dy = tf.randomNormal(info.outShape);
      const flops = 2 * tf.util.sizeFromShape(info.outShape) * k * k;
      const tag = `[${xShape.join(',')}] k${k} d${d} s${stride}`;
      const forward = () => tf.engine().runKernel(tf.DepthwiseConv2dNative, { x, filter: f }, attrs) as tf.Tensor;
      compare(`${tag} fwd`, flops, reps, () => withStockForward(forward), forward);
      const composed = () => withStockForward(() => tf.tidy(() => depthwiseInputGradient(dy as tf.Tensor4D, f as tf.Tensor4D, info)));
      const generated = () => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: f }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      compare(`${tag} dx`, flops, reps, composed, generated);
      tf.dispose([x, f, dy]);
    }
  }
}

void main();
