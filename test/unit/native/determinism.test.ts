import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../../src-main/engine/backend/kernels/batch-norm-names';
import { avgPoolGradExcludingPadding, setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { batchNormGradReference, batchNormReference, relativeTo } from '../backend/batchnorm-reference';
import { avgPoolGrad, conv, depthwise, matMul, maxPoolGrad, windowOf, worstError, type Pad } from './reference';
import { firstBitDifference, randomInput, Rng, runKernelOn, runNativeDirect, startBusyThread, wasmWithNative, type Input } from './harness';

// Every native kernel, at sizes above the addon's 2^17 multiply-adds (below it a call stays on one
// thread): the same inputs must give the same bits on 1 and 2 threads and on every repeat while a
// busy thread makes the pool's chunks fall to its threads differently each call (docs/native.md,
// "Determinism"). The filter gradients and batch norm reduce across chunks; the others are included
// so a kernel that starts reducing is covered. Tolerances are those of the kernels' own tests
// (the filter gradients here sum at most 2048 products per element).
const native = await wasmWithNative();

interface Case {
  label: string;
  /** The kernel's outputs for the fixed inputs (on the current thread count). */
  run: () => Promise<Float32Array[]>;
  /** Worst error of the outputs against the float64 reference, and the tolerance it must meet. */
  check: (outputs: Float32Array[]) => { error: number; tol: number };
}

const rng = new Rng(2026);
const tfPad = (pad: Pad) => (pad === 'same' || pad === 'valid' ? pad : [[0, 0], pad[0], pad[1], [0, 0]]);
const worstOf = (pairs: Array<[Float32Array, ArrayLike<number>]>) => Math.max(...pairs.map(([a, e]) => worstError(a, e)));

function depthwiseCases(shape: number[], k: number, stride: number, dilation: number): Case[] {
  const pad: Pad = 'same';
  const g = windowOf(shape, [k, k], shape[3], [stride, stride], [dilation, dilation], pad);
  const x = randomInput(rng, shape);
  const filter = randomInput(rng, [k, k, shape[3], 1]);
  const dy = randomInput(rng, [g.n, g.oh, g.ow, g.c]);
  const ref = depthwise(g, x.values, filter.values, dy.values);
  const attrs = { strides: [stride, stride], dilations: [dilation, dilation], pad: tfPad(pad) };
  const label = `depthwise [${shape}] ${k}×${k} s${stride} d${dilation}`;
  return [
    { label: `${label} forward`, run: async () => [await runNativeDirect(tf.DepthwiseConv2dNative, { x, filter }, attrs)], check: ([o]) => ({ error: worstError(o, ref.out), tol: 1e-4 }) },
    { label: `${label} input gradient`, run: async () => [await runNativeDirect(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: shape })], check: ([o]) => ({ error: worstError(o, ref.dx), tol: 1e-4 }) },
    { label: `${label} filter gradient`, run: async () => [await runNativeDirect(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape })], check: ([o]) => ({ error: worstError(o, ref.df), tol: 1e-4 }) },
  ];
}

function convCases(shape: number[], co: number, k: number, stride: number, pad: Pad): Case[] {
  const g = windowOf(shape, [k, k], co, [stride, stride], [1, 1], pad);
  const x = randomInput(rng, shape);
  const filter = randomInput(rng, [k, k, shape[3], co]);
  const dy = randomInput(rng, [g.n, g.oh, g.ow, co]);
  const ref = conv(g, x.values, filter.values, dy.values);
  const attrs = { strides: [stride, stride], dilations: [1, 1], pad: tfPad(pad), dataFormat: 'NHWC' };
  const label = `conv [${shape}]→${co} ${k}×${k} s${stride}`;
  return [
    { label: `${label} forward`, run: async () => [await runNativeDirect(tf.Conv2D, { x, filter }, attrs)], check: ([o]) => ({ error: worstError(o, ref.out), tol: 1e-4 }) },
    { label: `${label} input gradient`, run: async () => [await runNativeDirect(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: shape })], check: ([o]) => ({ error: worstError(o, ref.dx), tol: 1e-4 }) },
    { label: `${label} filter gradient`, run: async () => [await runNativeDirect(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape })], check: ([o]) => ({ error: worstError(o, ref.df), tol: 1e-4 }) },
  ];
}

// C = 6: not a multiple of 4, so MaxPoolGrad stays native (no hand-back) whatever sits below it.
function poolCases(): Case[] {
  const shape: [number, number, number, number] = [16, 16, 16, 6];
  const g = windowOf(shape, [3, 3], 6, [1, 1], [1, 1], 'same');
  const x = randomInput(rng, shape);
  const dy = randomInput(rng, [g.n, g.oh, g.ow, g.c]);
  const y: Input = { shape: dy.shape, values: new Float32Array(dy.values.length) };
  const attrs = { filterSize: [3, 3], strides: [1, 1], pad: 'same' };
  const excluding = () => tf.tidy(() => avgPoolGradExcludingPadding(tf.tensor4d(dy.values, shape), { inputShape: shape, filterSize: 3, strides: 1, pad: 'same' }).dataSync() as Float32Array);
  return [
    { label: `MaxPoolGrad [${shape}] 3×3`, run: async () => [await runKernelOn('wasm', tf.MaxPoolGrad, { dy, input: x, output: y }, attrs)], check: ([o]) => ({ error: worstError(o, maxPoolGrad(g, x.values, dy.values)), tol: 1e-5 }) },
    { label: `AvgPoolGrad [${shape}] 3×3`, run: async () => [await runKernelOn('wasm', tf.AvgPoolGrad, { dy, input: x }, attrs)], check: ([o]) => ({ error: worstError(o, avgPoolGrad(g, dy.values, false)), tol: 1e-5 }) },
    { label: `NasAvgPoolGradExcludePad [${shape}] 3×3`, run: async () => [excluding()], check: ([o]) => ({ error: worstError(o, avgPoolGrad(g, dy.values, true)), tol: 1e-5 }) },
  ];
}

function matMulCase(transposeA: boolean, transposeB: boolean): Case {
  const [batch, m, k, n] = [2, 64, 256, 48];
  const a = randomInput(rng, [batch, ...(transposeA ? [k, m] : [m, k])]);
  const b = randomInput(rng, [batch, ...(transposeB ? [n, k] : [k, n])]);
  const expected = new Float64Array(batch * m * n);
  for (let i = 0; i < batch; i++) expected.set(matMul(a.values.subarray(i * m * k, (i + 1) * m * k), b.values.subarray(i * k * n, (i + 1) * k * n), m, k, n, transposeA, transposeB), i * m * n);
  return {
    label: `BatchMatMul ${batch}×${m}×${k}×${n} transposeA=${transposeA} transposeB=${transposeB}`,
    run: async () => [await runKernelOn('wasm', tf.BatchMatMul, { a, b }, { transposeA, transposeB })],
    check: ([o]) => ({ error: worstError(o, expected), tol: 5e-5 }),
  };
}

// C = 8 is a template instance, C = 12 the generic loops; rows over several 256-row blocks.
function batchNormCase(shape: number[]): Case {
  const x = randomInput(rng, shape);
  x.values.forEach((v, i) => (x.values[i] = 3 + 2 * v));
  const dy = randomInput(rng, shape);
  const channels = shape[3];
  const reference = batchNormReference(x.values, channels);
  const gradReference = batchNormGradReference(x.values, dy.values, channels);
  return {
    label: `NasBatchNormTrain and its gradient [${shape}]`,
    run: async () =>
      tf.tidy(() => {
        const [y, invStd] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: tf.tensor(x.values, shape) }) as tf.Tensor[];
        const dx = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: tf.tensor(dy.values, shape), y, invStd }) as tf.Tensor;
        return [y, invStd, dx].map((t) => t.dataSync() as Float32Array);
      }),
    check: ([y, invStd, dx]) => ({ error: Math.max(relativeTo(y, reference.y), relativeTo(invStd, reference.invStd), relativeTo(dx, gradReference)), tol: 1e-4 }),
  };
}

describe.skipIf(!native.loaded)(`native kernels are deterministic (${native.reason})`, () => {
  const cases: Array<() => Case[]> = [
    () => depthwiseCases([4, 16, 16, 16], 5, 1, 1),
    () => depthwiseCases([16, 16, 16, 16], 5, 2, 2),
    () => depthwiseCases([4, 16, 16, 12], 5, 1, 1),
    () => convCases([4, 16, 16, 32], 32, 1, 1, 'valid'),
    () => convCases([16, 16, 16, 16], 16, 1, 2, 'valid'),
    // Plain loops, ~5 ms a call: long enough that a helper woken from sleep joins on a busy machine.
    () => convCases([8, 16, 16, 16], 16, 3, 1, 'same'),
    poolCases,
    () => [matMulCase(true, false), matMulCase(false, true)],
    () => [batchNormCase([32, 28, 28, 8]), batchNormCase([32, 24, 24, 12])],
  ];

  it('same bits on 1 and 2 threads and on every repeat, idle or under load, and within tolerance of float64', async () => {
    const differing: string[] = [];
    let checked = 0;
    for (const make of cases) {
      for (const c of make()) {
        setNativeThreads(1);
        const single = await c.run();
        const { error, tol } = c.check(single);
        expect(error, c.label).toBeLessThan(tol);
        setNativeThreads(2);
        // Idle, the helper joins most calls; beside a busy thread it joins some, at varying points.
        for (const busy of [false, false, false, false, true, true]) {
          const stop = busy ? startBusyThread() : undefined;
          try {
            const outputs = await c.run();
            outputs.forEach((o, i) => {
              const at = firstBitDifference(o, single[i]);
              if (at >= 0) differing.push(`${c.label}, output ${i}${busy ? ', busy' : ''}: element ${at}`);
            });
          } finally {
            await stop?.();
          }
        }
        checked++;
      }
    }
    expect(differing).toEqual([]);
    expect(checked).toBe(25);
  }, 120_000);
});
