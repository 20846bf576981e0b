import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRelaxedMadd } from '../../../src-main/engine/backend/simd/depthwise-bodies';
import { relaxedSimd } from '../../../src-main/engine/backend/simd/generated';
import { Rng } from '../../../src-shared/model/rng';
import { dilateFilter, initBackends, randomValues, relativeError, runOn, TOLERANCE } from './compare';

type Pad = 'same' | 'valid' | number;
interface Case {
  batch: number;
  h: number;
  w: number;
  c: number;
  k: number;
  stride: number;
  dilation: number;
  pad: Pad;
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

const name = (c: Case) => `${c.k}x${c.k} d${c.dilation} s${c.stride} pad ${c.pad} C${c.c} on ${c.h}x${c.w} batch ${c.batch}`;

/**
 * The forward and input gradient kernels on wasm against the cpu backend. cpu's input gradient
 * ignores dilation, so its reference runs on the dense equivalent of the dilated filter; its forward
 * kernel honours dilation but not together with a stride, so there the dense filter is used too.
 */
async function check(c: Case): Promise<void> {
  const rng = new Rng(c.k * 1000 + c.c * 10 + c.stride + c.dilation + c.h);
  const xShape: [number, number, number, number] = [c.batch, c.h, c.w, c.c];
  const fShape: [number, number, number, number] = [c.k, c.k, c.c, 1];
  const info = tf.backend_util.computeConv2DInfo(xShape, fShape, c.stride, c.dilation, c.pad, undefined, true);
  const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
  const fs = randomValues(rng, tf.util.sizeFromShape(fShape));
  const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
  const run = (dilated: boolean) => () => {
    const x = tf.tensor4d(xs, xShape);
    const f = tf.tensor4d(fs, fShape);
    const dy = tf.tensor4d(dys, info.outShape);
    const filter = dilated ? f : dilateFilter(f, c.dilation);
    const attrs = { strides: c.stride, pad: c.pad, dilations: dilated ? c.dilation : 1 };
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

  it.each(cases.filter((_, i) => i % 3 === 0).map((c) => [name(c), c] as const))('%s matches cpu with mul+add instead of relaxed madd', async (_, c) => {
    useRelaxedMadd(false);
    await check(c);
    useRelaxedMadd(true);
  });

  it('reports whether relaxed SIMD is there (Node 22 has it)', () => {
    expect(typeof relaxedSimd).toBe('boolean');
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
});
