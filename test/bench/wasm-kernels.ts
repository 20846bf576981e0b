/**
 * Per-kernel CPU time of the wasm backend's stock kernels against ours, on DARTS-like shapes, and
 * the 512³ matMul rate. `npx tsx test/bench/wasm-kernels.ts`
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/engine/backend/kernels/index';
import { hasStockKernel } from '../../src-main/engine/backend/kernels/stock';
import { cpuMs, median } from './kernel-timer';

type Build = () => { name: string; inputs: tf.NamedTensorMap; attrs: tf.NamedAttrMap };

function timeKernel(build: Build, reps: number): number {
  const { name, inputs, attrs } = build();
  const once = () => {
    const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
    tf.dispose(out);
  };
  once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = cpuMs();
    once();
    times.push(cpuMs() - start);
  }
  tf.dispose(Object.values(inputs));
  return median(times);
}

const r = (shape: number[]) => tf.randomNormal(shape);

function cases(n: number, h: number, c: number): Array<[string, Build]> {
  const x = [n, h, h, c];
  const half = [n, h / 2, h / 2, c];
  const dw = (k: number, s: number, d: number): Build => () => ({
    name: tf.DepthwiseConv2dNativeBackpropFilter,
    inputs: { x: r(x), dy: r(s === 1 ? x : half) },
    attrs: { strides: s, dilations: d, pad: 'same', filterShape: [k, k, c, 1] },
  });
  const dwIn = (k: number, s: number, d: number): Build => () => ({
    name: tf.DepthwiseConv2dNativeBackpropInput,
    inputs: { dy: r(s === 1 ? x : half), filter: r([k, k, c, 1]) },
    attrs: { strides: s, dilations: d, pad: 'same', inputShape: x },
  });
  const convF = (k: number, s: number): Build => () => ({
    name: tf.Conv2DBackpropFilter,
    inputs: { x: r(x), dy: r(s === 1 ? x : half) },
    attrs: { strides: s, pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, c, c] },
  });
  const convIn = (k: number, s: number): Build => () => ({
    name: tf.Conv2DBackpropInput,
    inputs: { dy: r(s === 1 ? x : half), filter: r([k, k, c, c]) },
    attrs: { strides: s, pad: 'same', dataFormat: 'NHWC', inputShape: x },
  });
  const pool = (kind: string, s: number): Build => () => ({
    name: kind,
    inputs: { dy: r(s === 1 ? x : half), input: r(x), output: r(s === 1 ? x : half) },
    attrs: { filterSize: 3, strides: s, pad: 'same' },
  });
  const pixels = n * h * h;
  const matMul = (ta: boolean, tb: boolean): Build => () => ({
    name: tf.BatchMatMul,
    inputs: { a: r(ta ? [1, pixels, c] : [1, c, pixels]), b: r(tb ? [1, c, pixels] : [1, pixels, c]) },
    attrs: { transposeA: ta, transposeB: tb },
  });
  return [
    ['DepthwiseConv2dNativeBackpropFilter 3x3 s1', dw(3, 1, 1)],
    ['DepthwiseConv2dNativeBackpropFilter 5x5 s1', dw(5, 1, 1)],
    ['DepthwiseConv2dNativeBackpropFilter 3x3 s1 d2', dw(3, 1, 2)],
    ['DepthwiseConv2dNativeBackpropFilter 3x3 s2', dw(3, 2, 1)],
    ['DepthwiseConv2dNativeBackpropInput 3x3 s1', dwIn(3, 1, 1)],
    ['DepthwiseConv2dNativeBackpropInput 5x5 s1 d2', dwIn(5, 1, 2)],
    ['DepthwiseConv2dNativeBackpropInput 3x3 s2', dwIn(3, 2, 1)],
    ['Conv2DBackpropFilter 1x1 s1', convF(1, 1)],
    ['Conv2DBackpropFilter 3x3 s1', convF(3, 1)],
    ['Conv2DBackpropFilter 1x1 s2', convF(1, 2)],
    ['Conv2DBackpropInput 1x1 s1', convIn(1, 1)],
    ['Conv2DBackpropInput 3x3 s1', convIn(3, 1)],
    ['Conv2DBackpropInput 1x1 s2', convIn(1, 2)],
    ['MaxPoolGrad 3x3 s1', pool(tf.MaxPoolGrad, 1)],
    ['MaxPoolGrad 3x3 s2', pool(tf.MaxPoolGrad, 2)],
    ['AvgPoolGrad 3x3 s1', pool(tf.AvgPoolGrad, 1)],
    ['AvgPoolGrad 3x3 s2', pool(tf.AvgPoolGrad, 2)],
    [`BatchMatMul [${c},${pixels}]x[${pixels},${c}] (dW of 1x1, transposeA)`, matMul(true, false)],
    [`BatchMatMul [${pixels},${c}]x[${c},${pixels}]^T (transposeB)`, matMul(false, true)],
    ['Identity', () => ({ name: tf.Identity, inputs: { x: r(x) }, attrs: {} })],
  ];
}

function matMulRate(transposeB: boolean): number {
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  const run = () => tf.dispose(tf.matMul(a, b, false, transposeB));
  run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = cpuMs();
    run();
    times.push(cpuMs() - start);
  }
  tf.dispose([a, b]);
  return (2 * 512 ** 3) / (median(times) * 1e6);
}

async function main() {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  const reps = Number(process.argv[2] ?? 5);
  console.log('CPU ms per call (median); "-" = the stock wasm backend has no such kernel');
  for (const [n, h, c] of [
    [32, 16, 16],
    [32, 28, 8],
  ]) {
    console.log(`\n[${n},${h},${h},${c}]`.padEnd(60) + 'stock'.padStart(9) + 'ours'.padStart(9) + 'speed-up'.padStart(10));
    for (const [label, build] of cases(n, h, c)) {
      let stock = Number.NaN;
      if (hasStockKernel(build().name)) {
        restoreStockKernels();
        stock = timeKernel(build, reps);
      }
      registerTrainingKernels();
      const ours = timeKernel(build, reps);
      const s = Number.isNaN(stock) ? '-' : stock.toFixed(2);
      const up = Number.isNaN(stock) ? '' : `${(stock / ours).toFixed(1)}x`;
      console.log(`  ${label.padEnd(58)}${s.padStart(9)}${ours.toFixed(2).padStart(9)}${up.padStart(10)}`);
    }
  }
  restoreStockKernels();
  const stockT = matMulRate(true);
  registerTrainingKernels();
  console.log(`\nmatMul 512³: ${matMulRate(false).toFixed(1)} GFLOP/s untransposed; transposeB: stock ${stockT.toFixed(1)}, ours ${matMulRate(true).toFixed(1)} GFLOP/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
