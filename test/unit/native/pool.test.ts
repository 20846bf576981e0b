import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { avgPoolGradExcludingPadding, setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { avgPoolGrad, maxPoolGrad, windowOf, worstError } from './reference';
import { randomInput, Rng, runKernelOn, wasmWithNative, type Input } from './harness';

const native = await wasmWithNative();
// At most 9 float32 terms per element.
const TOL = 1e-5;

interface Case { shape: [number, number, number, number]; k: number; stride: number; pad: 'same' | 'valid' | 1 }

function cases(): Case[] {
  const out: Case[] = [];
  for (const shape of [[2, 8, 8, 4], [2, 7, 9, 12], [4, 16, 16, 16]] as Case['shape'][])
    for (const k of [2, 3])
      for (const stride of [1, 2])
        for (const pad of ['same', 'valid', 1] as const) out.push({ shape, k, stride, pad });
  return out;
}

/** Values from {-2..2}: windows hold ties, so the first-maximum rule is exercised. */
function tiedInput(rng: Rng, shape: number[]): Input {
  const input = randomInput(rng, shape);
  input.values.forEach((_, i) => (input.values[i] = rng.int(5) - 2));
  return input;
}

describe.skipIf(!native.loaded)(`native pooling gradients (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it(`MaxPoolGrad and AvgPoolGrad (both divisors) match float64 and the cpu backend on ${threads} thread(s)`, async () => {
      setNativeThreads(threads);
      const rng = new Rng(3 + threads);
      for (const c of cases()) {
        const explicit = c.pad === 1 ? ([[1, 1], [1, 1]] as [[number, number], [number, number]]) : c.pad;
        const g = windowOf(c.shape, [c.k, c.k], c.shape[3], [c.stride, c.stride], [1, 1], explicit);
        const x = tiedInput(rng, c.shape);
        const dy = randomInput(rng, [g.n, g.oh, g.ow, g.c]);
        const label = JSON.stringify(c);
        const attrs = { filterSize: [c.k, c.k], strides: [c.stride, c.stride], pad: c.pad };
        const y: Input = { shape: dy.shape, values: new Float32Array(dy.values.length) };
        const maxDx = await runKernelOn('wasm', tf.MaxPoolGrad, { dy, input: x, output: y }, attrs);
        expect(worstError(maxDx, maxPoolGrad(g, x.values, dy.values)), label).toBeLessThan(TOL);
        expect(worstError(maxDx, await runKernelOn('cpu', tf.MaxPoolGrad, { dy, input: x, output: y }, attrs)), label).toBeLessThan(TOL);
        const avgDx = await runKernelOn('wasm', tf.AvgPoolGrad, { dy, input: x }, attrs);
        expect(worstError(avgDx, avgPoolGrad(g, dy.values, false)), label).toBeLessThan(TOL);
        expect(worstError(avgDx, await runKernelOn('cpu', tf.AvgPoolGrad, { dy, input: x }, attrs)), label).toBeLessThan(TOL);
        const exclDx = tf.tidy(() =>
          avgPoolGradExcludingPadding(tf.tensor4d(dy.values, dy.shape as Case['shape']), { ...attrs, inputShape: c.shape, filterSize: [c.k, c.k], strides: [c.stride, c.stride] }).dataSync(),
        );
        expect(worstError(exclDx, avgPoolGrad(g, dy.values, true)), label).toBeLessThan(TOL);
      }
    });
  }

  it("the padding-excluding gradient is the adjoint of the wasm backend's own 'same' avgPool", () => {
    // <avgPool(x), dy> = <x, dx> for every x, dy exactly when dx is avgPool's gradient.
    const rng = new Rng(11);
    for (const [shape, k, stride] of [[[2, 7, 9, 4], 3, 1], [[2, 8, 8, 8], 3, 2]] as Array<[Case['shape'], number, number]>) {
      const x = randomInput(rng, shape);
      const [lhs, rhs] = tf.tidy(() => {
        const xt = tf.tensor4d(x.values, shape);
        const y = tf.avgPool(xt, k, stride, 'same');
        const dy = tf.tensor4d(randomInput(rng, y.shape).values, y.shape);
        const dx = avgPoolGradExcludingPadding(dy, { inputShape: shape, filterSize: k, strides: stride, pad: 'same' });
        return [tf.sum(tf.mul(y, dy)).dataSync()[0], tf.sum(tf.mul(xt, dx)).dataSync()[0]];
      });
      expect(Math.abs(lhs - rhs) / (1 + Math.abs(lhs))).toBeLessThan(1e-5);
    }
  });

  it('refuses a dy whose shape does not fit the pooling', () => {
    const dy = tf.zeros([1, 3, 3, 2]) as tf.Tensor4D;
    expect(() => avgPoolGradExcludingPadding(dy, { inputShape: [1, 8, 8, 2], filterSize: 3, strides: 1, pad: 'same' })).toThrow(/dy has shape \[1,3,3,2\] but this pooling outputs \[1,8,8,2\]/);
    dy.dispose();
  });
});
