/**
 * CPU time per call of the depthwise filter gradient (multiplier 1) on the wasm backend, on the
 * reference step's shapes: the registered kernel (DepthwiseConv2dNativeBackpropFilter) against the
 * composed XNNPACK version (`depthwiseFilterGradient`), interleaved rep by rep, with GFLOP/s
 * (2·N·oh·ow·fh·fw·C, padding taps included, as flops.ts counts). Run the same file on another
 * branch to compare kernels. `npx tsx test/bench/depthwise-filter-grad.ts [reps]`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { depthwiseFilterGradient } from '../../src-main/engine/backend/kernels/DepthwiseConv2dNativeBackpropFilter';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { cpuMs, median } from './kernel-timer';

/** [batch, size, channels, stride] of the reference supernet's depthwise inputs. */
const inputs: Array<[number, number, number, number]> = [
  [32, 28, 8, 1],
  [32, 28, 16, 2],
  [32, 14, 16, 1],
  [32, 14, 32, 2],
  [32, 7, 32, 1],
];
/** [filter size, dilation]: sep_conv 3×3 / 5×5, dil_conv 3×3 / 5×5. */
const filters: Array<[number, number]> = [
  [3, 1],
  [5, 1],
  [3, 2],
  [5, 2],
];

/** Warm-up calls per shape; the first shape gets 10× (the JS driver and the engine warm up too: measured 0.46 against 0.29 ms). */
const WARM_UP = 40;

function timed(run: () => tf.Tensor): number {
  const start = cpuMs();
  tf.dispose(run());
  return cpuMs() - start;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 10);
  await tf.setBackend('wasm');
  registerTrainingKernels();
  console.log('x shape          s  k d   kernel ms  GFLOP/s  composed ms  GFLOP/s');
  let [kernelTotal, composedTotal, flopTotal] = [0, 0, 0];
  for (const [n, size, c, stride] of inputs) {
    for (const [k, d] of filters) {
      const pad = ((k - 1) * d) / 2;
      const xShape: [number, number, number, number] = [n, size, size, c];
      const filterShape: [number, number, number, number] = [k, k, c, 1];
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, stride, d, pad, undefined, true);
      const x = tf.randomNormal(xShape) as tf.Tensor4D;
      const dy = tf.randomNormal(info.outShape) as tf.Tensor4D;
      const kernel = () =>
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: stride, pad, dilations: d, filterShape }) as tf.Tensor;
      const composed = () => tf.tidy(() => depthwiseFilterGradient(x, dy, info));
      // Enough calls for V8 to move the generated module from Liftoff to TurboFan code, as a training run does.
      for (let i = 0; i < (flopTotal === 0 ? 10 * WARM_UP : WARM_UP); i++) timed(kernel);
      timed(composed);
      const [a, b]: number[][] = [[], []];
      for (let i = 0; i < reps; i++) {
        a.push(timed(kernel));
        b.push(timed(composed));
      }
      const [ma, mb] = [median(a), median(b)];
      const flops = 2 * n * info.outHeight * info.outWidth * k * k * c;
      [kernelTotal, composedTotal, flopTotal] = [kernelTotal + ma, composedTotal + mb, flopTotal + flops];
      const rate = (ms: number) => (flops / ms / 1e6).toFixed(2).padStart(8);
      console.log(`[${xShape.join(',')}]`.padEnd(16), String(stride).padStart(2), String(k).padStart(2), String(d), ma.toFixed(3).padStart(10), rate(ma), mb.toFixed(3).padStart(12), rate(mb));
      tf.dispose([x, dy]);
    }
  }
  const rate = (ms: number) => (flopTotal / ms / 1e6).toFixed(2);
  console.log(`all shapes once: kernel ${kernelTotal.toFixed(2)} ms (${rate(kernelTotal)} GFLOP/s), composed ${composedTotal.toFixed(2)} ms (${rate(composedTotal)} GFLOP/s)`);
}

void main();
