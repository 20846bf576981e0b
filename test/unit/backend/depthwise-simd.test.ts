import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { depthwiseKernel, useRelaxedMadd } from '../../../src-main/engine/backend/simd/depthwise-bodies';
import { Rng } from '../../../src-shared/model/rng';
import { dilateFilter, initBackends, randomValues, relativeError, runOn, TOLERANCE } from './compare';

type Explicit = [[number, number], [number, number], [number, number], [number, number]];
type Pad = 'same' | 'valid' | number | Explicit;
interface Case {
  batch: number;
  h: number;
  w: number;
  c: number;
  k: number;
  /** Filter width when not square. */
  kw?: number;
  stride: number | [number, number];
  dilation: number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Channel multiplier (> 1: handed back to the stock/composed kernels). */
  m?: number;
}

const cases: Case[] = [];
for (const stride of [1, 2]) {
  for (const [k, c, h, w, batch, dilation, pad] of [
    [3, 8, 7, 9, 2, 1, 'same'],
    [3, 4, 9, 7, 1, 1, 'valid'],
    [5, 16, 10, 11, 2, 1, 2],
    [3, 12, 11, 8, 1, 2, 'same'],
    [5, 32, 7, 7, 2, 2, 4],
    [5, 8, 12, 13, 1, 2, 'valid'],
    [3, 16, 14, 14, 2, 2, 2],
    [3, 8, 28, 28, 1, 1, 1],
  ] as Array<[number, number, number, number, number, number, Pad]>) {
    cases.push({ batch, h, w, c, k, stride, dilation, pad });
  }
}

/** Rectangular filters, asymmetric strides and explicit padding, rounding modes, and hand-backs. */
const unusual: Case[] = [
  { batch: 2, h: 9, w: 10, c: 8, k: 3, kw: 5, stride: 1, dilation: 1, pad: 'same' },
  { batch: 1, h: 11, w: 9, c: 16, k: 5, kw: 3, stride: [2, 1], dilation: 2, pad: 'same' },
  { batch: 2, h: 8, w: 9, c: 4, k: 3, stride: 1, dilation: 1, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { batch: 1, h: 10, w: 7, c: 12, k: 5, stride: 2, dilation: 1, pad: [[0, 0], [1, 3], [4, 0], [0, 0]] },
  { batch: 2, h: 10, w: 9, c: 8, k: 3, stride: 2, dilation: 1, pad: 1, dimRoundingMode: 'ceil' },
  { batch: 1, h: 10, w: 9, c: 8, k: 3, stride: 2, dilation: 1, pad: 0, dimRoundingMode: 'floor' },
  { batch: 2, h: 7, w: 8, c: 6, k: 3, stride: 2, dilation: 1, pad: 'same' },
  { batch: 1, h: 9, w: 7, c: 4, k: 3, stride: 1, dilation: 2, pad: 'same', m: 2 },
];

const name = (c: Case) =>
  `${c.k}x${c.kw ?? c.k} d${c.dilation} s${c.stride} pad ${JSON.stringify(c.pad)}${c.dimRoundingMode ? ` ${c.dimRoundingMode}` : ''} C${c.c}x${c.m ?? 1} on ${c.h}x${c.w} batch ${c.batch}`;

/**
 * The forward and input gradient kernels on wasm against the cpu backend. cpu's input gradient
 * ignores dilation, so its reference runs on the dense equivalent of the dilated filter (zeros
 * between taps, dilation 1), the forward as well.
 */
async function check(c: Case): Promise<void> {
  const rng = new Rng(c.k * 1000 + c.c * 10 + c.dilation + c.h);
  const xShape: [number, number, number, number] = [c.batch, c.h, c.w, c.c];
  const fShape: [number, number, number, number] = [c.k, c.kw ?? c.k, c.c, c.m ?? 1];
  const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, c.dilation, c.pad, c.dimRoundingMode, true);
  const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
  const fs = randomValues(rng, tf.util.sizeFromShape(fShape));
  const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
  const run = (dilated: boolean) => () => {
    const x = tf.tensor4d(xs, xShape);
    const f = tf.tensor4d(fs, fShape);
    const dy = tf.tensor4d(dys, info.outShape);
    const filter = dilated ? f : dilateFilter(f, c.dilation);
    const attrs = { strides: c.stride, pad: c.pad, dilations: dilated ? c.dilation : 1, ...(c.dimRoundingMode ? { dimRoundingMode: c.dimRoundingMode } : {}) };
    const y = tf.engine().runKernel(tf.DepthwiseConv2dNative, { x, filter }, attrs) as tf.Tensor;
    const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: xShape }) as tf.Tensor;
    return [y, dx];
  };
  const ours = await runOn('wasm', run(true));
  const reference = await runOn('cpu', run(false));
  await tf.setBackend('wasm');
  expect(relativeError(ours[0], reference[0])).toBeLessThan(TOLERANCE);
  expect(relativeError(ours[1], reference[1])).toBeLessThan(TOLERANCE);
}

describe('generated SIMD depthwise convolution and input gradient on wasm', () => {
  beforeAll(initBackends);
  afterAll(() => useRelaxedMadd(true));

  it.each(cases.map((c) => [name(c), c] as const))('%s matches cpu', async (_, c) => {
    useRelaxedMadd(true);
    await check(c);
  });

  it.each(unusual.map((c) => [name(c), c] as const))('%s matches cpu', async (_, c) => {
    await check(c);
  });

  it.each(cases.filter((_, i) => i % 3 === 0).map((c) => [name(c), c] as const))('%s matches cpu with mul+add instead of relaxed madd', async (_, c) => {
    useRelaxedMadd(false);
    await check(c);
    useRelaxedMadd(true);
  });

  /**
   * Hand-worked: one 3×3 image, 4 channels, filter of ones except channel k scaled by k + 1; 'same'
   * padding. Channel k of the output at (y, x) is (k + 1) × the sum of the in-image 3×3 neighbours:
   * corner (0,0) of the image 1..9 (row-major) is 1+2+4+5 = 12, centre 45.
   */
  it('a hand-worked 3×3 image: corner and centre sums', async () => {
    const [y] = await runOn('wasm', () => {
      const x = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => Math.floor(i / 4) + 1), [1, 3, 3, 4]);
      const f = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => (i % 4) + 1), [3, 3, 4, 1]);
      return tf.engine().runKernel(tf.DepthwiseConv2dNative, { x, filter: f }, { strides: 1, pad: 'same', dilations: 1 }) as tf.Tensor;
    });
    const at = (py: number, px: number, k: number) => y[(py * 3 + px) * 4 + k];
    expect([at(0, 0, 0), at(0, 0, 3), at(1, 1, 0), at(1, 1, 2), at(2, 2, 1)]).toEqual([12, 48, 45, 135, 2 * (5 + 6 + 8 + 9)]);
  });

  /**
   * Hand-worked stride-2 input gradient: 3×3 filter f[i, j] = (10·i + j + 1)·(k + 1) on channel k,
   * padding 1, 5×5 input, dy 3×3 with dy(0,0) = 1 and dy(1,1) = 100. dx(y, x) = Σ dy(oy, ox) ·
   * f[y − 2·oy + 1, x − 2·ox + 1]: dx(0,0) = f[1,1] = 12, dx(1,1) = f[2,2] + 100·f[0,0] = 123,
   * dx(2,1) = 100·f[1,0] = 1100, dx(3,3) = 100·f[2,2] = 2300, dx(0,2) = dx(4,4) = 0.
   */
  it('a hand-worked stride-2 input gradient', async () => {
    const [dx] = await runOn('wasm', () => {
      const dy = tf.buffer([1, 3, 3, 4], 'float32');
      for (let k = 0; k < 4; k++) {
        dy.set(1, 0, 0, 0, k);
        dy.set(100, 0, 1, 1, k);
      }
      const f = tf.tensor4d(Float32Array.from({ length: 36 }, (_, i) => (10 * Math.floor(i / 12) + (Math.floor(i / 4) % 3) + 1) * ((i % 4) + 1)), [3, 3, 4, 1]);
      return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: dy.toTensor(), filter: f }, { strides: 2, pad: 1, dilations: 1, inputShape: [1, 5, 5, 4] }) as tf.Tensor;
    });
    const at = (y: number, x: number, k: number) => dx[(y * 5 + x) * 4 + k];
    expect([at(0, 0, 0), at(1, 1, 0), at(2, 1, 0), at(3, 3, 0), at(0, 2, 0), at(4, 4, 0), at(1, 1, 3)]).toEqual([12, 123, 1100, 2300, 0, 0, 492]);
  });

  it('compiles the generated kernel for a reference geometry (the SIMD path is taken, not the stock one)', () => {
    const info = tf.backend_util.computeConv2DInfo([32, 28, 28, 8], [3, 3, 8, 1], 1, 1, 'same', undefined, true);
    expect(depthwiseKernel(tf.backend() as BackendWasm, 'forward', info)).not.toBeNull();
    expect(depthwiseKernel(tf.backend() as BackendWasm, 'inputGradient', info)).not.toBeNull();
  });
});
