import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { heapOffset } from '../../../src-main/engine/backend/simd/module';
import { pointwiseConvKernel, pointwiseSupported, type PointwiseTile } from '../../../src-main/engine/backend/simd/pointwise-conv';
import { pointwiseFilterKernel } from '../../../src-main/engine/backend/simd/pointwise-filter';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, relativeError, TOLERANCE, wasmVsCpu } from './compare';

const CHANNELS = [4, 8, 12, 16, 24, 32, 64];
const grid = CHANNELS.flatMap((ci) => CHANNELS.map((co) => [ci, co] as const));

/** out = x · W in float64, x [pixels, ci], W [ci, co]. */
function reference(x: Float32Array, w: Float32Array, pixels: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(pixels * co);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < co; k++) {
      let sum = 0;
      for (let i = 0; i < ci; i++) sum += x[p * ci + i] * w[i * co + k];
      out[p * co + k] = sum;
    }
  }
  return out;
}

describe('1×1 convolution by the generated SIMD kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter) on wasm', () => {
  beforeAll(initBackends);

  it('hand-worked: W copies x into channels 0–3 and ten times x into 4–7; dx = dy · Wᵀ', async () => {
    await tf.setBackend('wasm');
    const w = new Float32Array(32);
    for (let i = 0; i < 4; i++) {
      w[i * 8 + i] = 1;
      w[i * 8 + i + 4] = 10;
    }
    const x = tf.tensor4d([1, 2, 3, 4, 0, 1, 0, -1, 2, 0, 0, 0], [1, 1, 3, 4]);
    const filter = tf.tensor4d(w, [1, 1, 4, 8]);
    const y = tf.conv2d(x, filter, 1, 'valid');
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 10, 20, 30, 40, 0, 1, 0, -1, 0, 10, 0, -10, 2, 0, 0, 0, 20, 0, 0, 0]);
    const dy = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 8]);
    const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [1, 1, 1, 4] }) as tf.Tensor;
    // dx[i] = dy[i] + 10 · dy[i + 4]
    expect(Array.from(await dx.data())).toEqual([51, 62, 73, 84]);
    tf.dispose([x, filter, y, dy, dx]);
  });

  it.each([
    { rows: 4, vectors: 2 },
    { rows: 6, vectors: 2 },
    { rows: 3, vectors: 2 },
    { rows: 2, vectors: 4 },
  ])('tile $rows × 4·$vectors: every pixel count 1–14 (tile remainders) matches a float64 product', async (tile: PointwiseTile) => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const rng = new Rng(tile.rows * 10 + tile.vectors);
    for (const [ci, co] of [[4, 16], [12, 32], [24, 48]]) {
      const kernel = pointwiseConvKernel(backend, ci, co, tile);
      expect(kernel).not.toBeNull();
      for (let pixels = 1; pixels <= 14; pixels++) {
        const xs = randomValues(rng, pixels * ci);
        const ws = randomValues(rng, ci * co);
        const [x, w] = [tf.tensor2d(xs, [pixels, ci]), tf.tensor2d(ws, [ci, co])];
        // A guard row after out: the kernel must not write past its pixels.
        const out = tf.fill([pixels + 1, co], 7);
        kernel!.run(heapOffset(backend, x.dataId), heapOffset(backend, w.dataId), heapOffset(backend, out.dataId), pixels);
        const got = (await out.data()) as Float32Array;
        expect(relativeError(got.subarray(0, pixels * co), reference(xs, ws, pixels, ci, co))).toBeLessThan(1e-6);
        expect(Array.from(got.subarray(pixels * co))).toEqual(new Array(co).fill(7));
        tf.dispose([x, w, out]);
      }
    }
  });

  it('filter-gradient kernel: 1–9 and 300 pixels, Ci 4–64, Co 8–64, against a float64 sum', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const rng = new Rng(99);
    for (const [ci, co] of [[4, 8], [12, 24], [64, 16], [16, 64]]) {
      const kernel = pointwiseFilterKernel(backend, ci, co);
      expect(kernel).not.toBeNull();
      for (const pixels of [1, 2, 3, 5, 9, 300]) {
        const xs = randomValues(rng, pixels * ci);
        const dys = randomValues(rng, pixels * co);
        const [x, dy, acc] = [tf.tensor2d(xs, [pixels, ci]), tf.tensor2d(dys, [pixels, co]), tf.fill([ci + 1, co], 7)];
        kernel!(heapOffset(backend, x.dataId), heapOffset(backend, dy.dataId), heapOffset(backend, acc.dataId), pixels);
        const got = (await acc.data()) as Float32Array;
        // dW = xᵀ · dy: the product reference with x transposed as the left factor.
        const xt = Float32Array.from({ length: ci * pixels }, (_, t) => xs[(t % pixels) * ci + Math.floor(t / pixels)]);
        expect(relativeError(got.subarray(0, ci * co), reference(xt, dys, ci, pixels, co))).toBeLessThan(1e-6);
        expect(Array.from(got.subarray(ci * co))).toEqual(new Array(co).fill(7));
        tf.dispose([x, dy, acc]);
      }
    }
  });

  it.each(grid)('Ci %i → Co %i: forward, input gradient (strides 1 and 2) and filter gradient match cpu, batch 1 and odd pixel counts', async (ci, co) => {
    const rng = new Rng(ci * 100 + co);
    const shapes: Array<[number, number, number, number]> = [
      [1, 5, 3, ci],
      [3, 7, 7, ci],
    ];
    const data = shapes.map((s) => randomValues(rng, tf.util.sizeFromShape(s)));
    const ws = randomValues(rng, ci * co);
    const error = await wasmVsCpu(() => {
      const filter = tf.tensor4d(ws, [1, 1, ci, co]);
      return shapes.flatMap((shape, k) => {
        const x = tf.tensor4d(data[k], shape);
        const y = tf.conv2d(x, filter, 1, 'same');
        const grads = [1, 2].map((stride) => {
          const info = tf.backend_util.computeConv2DInfo(shape, [1, 1, ci, co], stride, 1, 'valid');
          const dy = tf.tensor4d(randomValues(new Rng(stride + k), tf.util.sizeFromShape(info.outShape)), info.outShape);
          return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: stride, pad: 'valid', dataFormat: 'NHWC', inputShape: shape }) as tf.Tensor;
        });
        const dy = tf.tensor4d(randomValues(new Rng(k), shape[0] * shape[1] * shape[2] * co), [shape[0], shape[1], shape[2], co]);
        const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [1, 1, ci, co] }) as tf.Tensor;
        return [y, ...grads, dw];
      });
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it.each([
    [16, 8, 6, 4],
    [32, 16, 8, 8],
    [12, 24, 7, 5],
    [6, 4, 4, 6],
  ])('1×1 stride-2 filter gradient (FactorizedReduce) Ci %i → Co %i on %i×%i matches cpu', async (ci, co, h, w) => {
    const rng = new Rng(ci + co + h);
    const xShape: [number, number, number, number] = [3, h, w, ci];
    const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
    const info = tf.backend_util.computeConv2DInfo(xShape, [1, 1, ci, co], 2, 1, 'valid');
    const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, xShape);
      const dy = tf.tensor4d(dys, info.outShape);
      return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [1, 1, ci, co] }) as tf.Tensor;
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it('the kernel takes Ci multiples of 4 and Co multiples of 8; the rest stays with XNNPACK', () => {
    expect(pointwiseSupported(4, 8)).toBe(true);
    expect(pointwiseSupported(128, 32)).toBe(true);
    expect(pointwiseSupported(8, 12)).toBe(false);
    expect(pointwiseSupported(6, 8)).toBe(false);
  });

  it('tf.grads of a 1×1 conv (both inputs) match cpu', async () => {
    const rng = new Rng(5);
    const xs = randomValues(rng, 2 * 9 * 9 * 16);
    const fs = randomValues(rng, 16 * 24);
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, [2, 9, 9, 16]);
      const f = tf.tensor4d(fs, [1, 1, 16, 24]);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
      return tf.grads(loss)([x, f]);
    });
    expect(error).toBeLessThan(TOLERANCE);
  });
});
