import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { matMul, worstError } from './reference';
import { randomInput, Rng, runKernelOn, wasmWithNative } from './harness';

const native = await wasmWithNative();
// Up to 257 float32 products per element.
const TOL = 5e-5;

describe.skipIf(!native.loaded)(`native BatchMatMul (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it(`every transpose and batch layout matches float64 and the cpu backend on ${threads} thread(s)`, async () => {
      setNativeThreads(threads);
      const rng = new Rng(41 + threads);
      // k = 257 crosses the kernel's depth block; m = 130 leaves a partial block of rows.
      const sizes: Array<[number, number, number]> = [[1, 1, 1], [5, 7, 3], [64, 48, 33], [130, 257, 70]];
      const batches: Array<[number[], number[]]> = [[[], []], [[3], [3]], [[3], [1]], [[1], [2]], [[2, 2], [2, 2]]];
      for (const [m, k, n] of sizes)
        for (const [outerA, outerB] of batches)
          for (const transposeA of [false, true])
            for (const transposeB of [false, true]) {
              const a = randomInput(rng, [...outerA, ...(transposeA ? [k, m] : [m, k])]);
              const b = randomInput(rng, [...outerB, ...(transposeB ? [n, k] : [k, n])]);
              const attrs = { transposeA, transposeB };
              const label = JSON.stringify({ m, k, n, outerA, outerB, transposeA, transposeB });
              const out = await runKernelOn('wasm', tf.BatchMatMul, { a, b }, attrs);
              const batch = Math.max(outerA.reduce((p, q) => p * q, 1), outerB.reduce((p, q) => p * q, 1));
              const expected = new Float64Array(batch * m * n);
              for (let i = 0; i < batch; i++) {
                const ai = outerA.reduce((p, q) => p * q, 1) === 1 ? 0 : i;
                const bi = outerB.reduce((p, q) => p * q, 1) === 1 ? 0 : i;
                expected.set(matMul(a.values.subarray(ai * m * k, (ai + 1) * m * k), b.values.subarray(bi * k * n, (bi + 1) * k * n), m, k, n, transposeA, transposeB), i * m * n);
              }
              expect(worstError(out, expected), label).toBeLessThan(TOL);
              expect(worstError(out, await runKernelOn('cpu', tf.BatchMatMul, { a, b }, attrs)), label).toBeLessThan(TOL);
            }
    });
  }
});
