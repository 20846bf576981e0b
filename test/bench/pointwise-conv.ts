/**
 * CPU time per call and GFLOP/s of the 1×1 stride-1 convolution on the wasm backend: XNNPACK's
 * Conv2D (the stock kernel) against the generated SIMD kernel (simd/pointwise-conv.ts), on the
 * reference DARTS step's shapes, interleaved rep by rep. Both allocate their output per call and
 * free it (as in a step; a fresh, never-touched output costs page faults). With `--tiles` every
 * register tile the generator offers is timed.
 * `npx tsx test/bench/pointwise-conv.ts [reps] [--tiles]`
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { captureStockKernel, stockKernel } from '../../src-main/engine/backend/kernels/stock';
import { heapOffset } from '../../src-main/engine/backend/simd/module';
import { POINTWISE_TILE, pointwiseConvKernel, type PointwiseTile } from '../../src-main/engine/backend/simd/pointwise-conv';
import { cpuMs, median } from './kernel-timer';

/** [batch, side, Ci, Co] of the reference step's 1×1 convolutions (forward and input gradient), calls per step. */
const shapes: Array<[number, number, number, number, number]> = [
  [32, 28, 8, 8, 168],
  [32, 28, 24, 8, 2],
  [32, 28, 8, 16, 16],
  [32, 28, 32, 16, 1],
  [32, 14, 16, 16, 336],
  [32, 14, 64, 16, 4],
  [32, 14, 16, 32, 16],
  [32, 7, 32, 32, 336],
  [32, 7, 128, 32, 1],
  [32, 7, 32, 128, 1],
];

const TILES: PointwiseTile[] = [
  { rows: 3, vectors: 2 },
  { rows: 4, vectors: 2 },
  { rows: 6, vectors: 2 },
  { rows: 2, vectors: 4 },
];

function timed(run: () => void): number {
  const start = cpuMs();
  run();
  return cpuMs() - start;
}

async function main(): Promise<void> {
  const reps = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100);
  const allTiles = process.argv.includes('--tiles');
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const backend = tf.backend() as BackendWasm;
  captureStockKernel(tf.Conv2D);
  const xnn = stockKernel(tf.Conv2D);
  console.log('shape (calls/step)          xnnpack ms  GFLOP/s | generated ms  GFLOP/s  tile   speed-up');
  for (const [n, side, ci, co, calls] of shapes) {
    const x = tf.randomNormal([n, side, side, ci]);
    const filter = tf.randomNormal([1, 1, ci, co]);
    const pixels = n * side * side;
    const flop = 2 * pixels * ci * co;
    const free = (t: tf.TensorInfo) => backend.disposeData(t.dataId);
    const stock = () => free(xnn.kernelFunc({ inputs: { x, filter }, attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }, backend }) as tf.TensorInfo);
    const tiles = allTiles ? TILES.filter((t) => co % (4 * t.vectors) === 0) : [POINTWISE_TILE];
    const runs = tiles.map((tile) => {
      const kernel = pointwiseConvKernel(backend, ci, co, tile);
      if (kernel === null) throw new Error('no SIMD kernel');
      return () => {
        const out = backend.makeOutput([n, side, side, co], 'float32');
        kernel.run(heapOffset(backend, x.dataId), heapOffset(backend, filter.dataId), heapOffset(backend, out.dataId), pixels);
        free(out);
      };
    });
    for (let i = 0; i < 3; i++) [stock, ...runs].forEach((r) => r());
    const times: number[][] = [[], ...runs.map(() => [])];
    for (let i = 0; i < reps; i++) {
      times[0].push(timed(stock));
      runs.forEach((r, k) => times[k + 1].push(timed(r)));
    }
    const ms = times.map(median);
    const label = `[${n},${side},${side},${ci}]->${co} (${calls})`.padEnd(28);
    tiles.forEach((tile, k) => {
      const gf = (t: number) => (flop / t / 1e6).toFixed(2).padStart(8);
      console.log(`${k === 0 ? label : ''.padEnd(28)}${ms[0].toFixed(3).padStart(10)} ${gf(ms[0])} | ${ms[k + 1].toFixed(3).padStart(12)} ${gf(ms[k + 1])}  ${tile.rows}x${4 * tile.vectors}`.padEnd(86) + (ms[0] / ms[k + 1]).toFixed(2).padStart(6) + 'x');
    });
    tf.dispose([x, filter]);
  }
  inputGradients(reps, backend);
}

/**
 * The 1×1 input gradient as whole kernel calls: before, XNNPACK's Conv2D of dy with the filter
 * transposed by a Transpose call; now our Conv2DBackpropInput (W transposed on the heap, SIMD).
 */
function inputGradients(reps: number, backend: BackendWasm): void {
  const xnn = stockKernel(tf.Conv2D);
  const ours = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!;
  console.log('\ninput gradient dy·Wᵀ       xnnpack+transpose ms | ours ms  speed-up');
  for (const [n, side, ci, co] of shapes) {
    const dy = tf.randomNormal([n, side, side, co]);
    const filter = tf.randomNormal([1, 1, ci, co]);
    const free = (t: tf.TensorInfo) => backend.disposeData(t.dataId);
    const before = () => {
      const transposed = tf.engine().runKernel(tf.Transpose, { x: filter }, { perm: [0, 1, 3, 2] }) as tf.Tensor;
      free(xnn.kernelFunc({ inputs: { x: dy, filter: transposed }, attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }, backend }) as tf.TensorInfo);
      transposed.dispose();
    };
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [n, side, side, ci] };
    const after = () => free(ours.kernelFunc({ inputs: { dy, filter }, attrs, backend } as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
    for (let i = 0; i < 3; i++) [before, after].forEach((r) => r());
    const times: number[][] = [[], []];
    for (let i = 0; i < reps; i++) [before, after].forEach((r, k) => times[k].push(timed(r)));
    const [a, b] = times.map(median);
    console.log(`[${n},${side},${side},${co}]->${ci}`.padEnd(28), a.toFixed(3).padStart(20), b.toFixed(3).padStart(9), (a / b).toFixed(2).padStart(8) + 'x');
    tf.dispose([dy, filter]);
  }
}

void main();
