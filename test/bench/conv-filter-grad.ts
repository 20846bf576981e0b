/**
 * CPU time per call of the 1×1 stride-1 convolution's filter gradient on the wasm backend: the old
 * path (tf.matMul with transposeA, which transposes all of x) against the SIMD outer-product kernel
 * (Conv2DBackpropFilter), interleaved rep by rep. `npx tsx test/bench/conv-filter-grad.ts [reps]`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { cpuMs, median } from './kernel-timer';

const shapes: Array<[number, number, number, number]> = [
  [32, 28, 8, 8],
  [32, 28, 24, 8],
  [32, 14, 16, 16],
  [32, 7, 32, 32],
  [32, 14, 64, 16],
];

function timed(run: () => tf.Tensor): number {
  const start = cpuMs();
  tf.dispose(run());
  return cpuMs() - start;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 30);
  await tf.setBackend('wasm');
  registerTrainingKernels();
  console.log('shape                 matMul ms   simd ms   speed-up');
  for (const [n, h, ci, co] of shapes) {
    const x = tf.randomNormal([n, h, h, ci]);
    const dy = tf.randomNormal([n, h, h, co]);
    const old = () => tf.tidy(() => tf.matMul(tf.reshape(x, [-1, ci]), tf.reshape(dy, [-1, co]), true, false));
    const simd = () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [1, 1, ci, co] }) as tf.Tensor;
    timed(old);
    timed(simd);
    const [a, b]: number[][] = [[], []];
    for (let i = 0; i < reps; i++) {
      a.push(timed(old));
      b.push(timed(simd));
    }
    const [ma, mb] = [median(a), median(b)];
    console.log(`[${n},${h},${h},${ci}]->${co}`.padEnd(22), ma.toFixed(3).padStart(9), mb.toFixed(3).padStart(9), (ma / mb).toFixed(2).padStart(9) + 'x');
    tf.dispose([x, dy]);
  }
}

void main();
