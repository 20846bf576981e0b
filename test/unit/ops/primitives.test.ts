import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { avgPool3x3ExcludePad, batchNormNoAffine, conv2d, maxPool3x3, subsample2 } from '../../../src-main/engine/ops/primitives';
import { dilatedDepthwiseConv } from '../../../src-main/engine/ops/dilated-depthwise';
import { directionalGradCheck, expectClose, randn } from './gradcheck';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Full gradient of Σ f(x)·w by central differences on each element (f linear: exact up to rounding). */
function elementwiseGrad(f: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D, h: number): number[] {
  const base = x.dataSync();
  const loss = (v: Float32Array) => tf.tidy(() => tf.sum(f(tf.tensor4d(v, x.shape))).dataSync()[0]);
  return Array.from(base, (_, i) => {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] += h;
    minus[i] -= h;
    return (loss(plus) - loss(minus)) / (2 * h);
  });
}

describe('avg pool excluding padding', () => {
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  it('matches the hand-worked 3x3 example at stride 1 and 2', () => {
    // Corner windows hold 4 real cells, edge windows 6, the centre 9.
    expect(Array.from(avgPool3x3ExcludePad(x, 1).dataSync())).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
    expect(Array.from(avgPool3x3ExcludePad(x, 2).dataSync())).toEqual([3, 4, 6, 7]);
  });
  it('has the gradient of the hand-worked example: each input gets Σ 1/count over windows covering it', () => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(avgPool3x3ExcludePad(t as tf.Tensor4D, 1)))(x).dataSync();
    const corner = 1 / 4 + 1 / 6 + 1 / 6 + 1 / 9;
    const edge = 2 / 4 + 3 / 6 + 1 / 9;
    const centre = 4 / 4 + 4 / 6 + 1 / 9;
    const expected = [corner, edge, corner, edge, centre, edge, corner, edge, corner];
    g.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });
  for (const stride of [1, 2] as const) {
    it(`gradient equals finite differences on a 5x6 map, stride ${stride} (to 1e-3)`, () => {
      const rng = new Rng(5);
      const input = randn(rng, [2, 5, 6, 3]) as tf.Tensor4D;
      const weights = randn(rng, [2, Math.ceil(5 / stride), Math.ceil(6 / stride), 3]);
      const f = (t: tf.Tensor4D) => tf.mul(avgPool3x3ExcludePad(t, stride), weights);
      const analytic = tf.grad((t: tf.Tensor) => tf.sum(f(t as tf.Tensor4D)))(input).dataSync();
      elementwiseGrad(f, input, 1e-2).forEach((n, i) => expect(Math.abs(n - analytic[i])).toBeLessThan(1e-3));
    });
  }
});

describe('dilated depthwise convolution', () => {
  for (const [k, size] of [[3, 6], [5, 7]]) {
    it(`forward equals the zero-stuffed (2k-1)-tap filter, k=${k}`, () => {
      const rng = new Rng(k);
      const x = randn(rng, [2, size, size, 3]) as tf.Tensor4D;
      const f = randn(rng, [k, k, 3, 1]) as tf.Tensor4D;
      const stuffed = tf.buffer([2 * k - 1, 2 * k - 1, 3, 1]);
      const fv = f.arraySync();
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let c = 0; c < 3; c++) stuffed.set(fv[i][j][c][0], 2 * i, 2 * j, c, 0);
      const expected = tf.depthwiseConv2d(x, stuffed.toTensor() as tf.Tensor4D, 1, 'same').dataSync();
      const got = dilatedDepthwiseConv(x, f, 2).dataSync();
      got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));
    });
    it(`input and filter gradients equal finite differences, k=${k}, size ${size}`, () => {
      const rng = new Rng(10 + k);
      const x = randn(rng, [2, size, size, 3]);
      const filter = tf.variable(randn(rng, [k, k, 3, 1]));
      // Linear in x and in the filter separately: differences are exact up to float32 rounding.
      for (const r of directionalGradCheck((t) => dilatedDepthwiseConv(t as tf.Tensor4D, filter as tf.Tensor4D, 2), x, [filter], rng, { h: 1e-2 })) {
        expectClose(r, 1e-3, 1e-2);
      }
    });
  }
});

describe('PyTorch padding semantics at stride 2', () => {
  it('strided conv, max pool and avg pool equal their stride-1 outputs at even positions', () => {
    const rng = new Rng(2);
    for (const size of [6, 7]) {
      const x = randn(rng, [1, size, size, 2]) as tf.Tensor4D;
      const w = randn(rng, [3, 3, 2, 2]) as tf.Tensor4D;
      const pairs: [tf.Tensor, tf.Tensor][] = [
        [conv2d(x, w, 2), subsample2(conv2d(x, w, 1))],
        [maxPool3x3(x, 2), subsample2(maxPool3x3(x, 1))],
        [avgPool3x3ExcludePad(x, 2), subsample2(avgPool3x3ExcludePad(x, 1))],
      ];
      for (const [a, b] of pairs) {
        expect(a.shape).toEqual(b.shape);
        const bv = b.dataSync();
        a.dataSync().forEach((v, i) => expect(Math.abs(v - bv[i])).toBeLessThan(1e-5));
      }
    }
  });
});

describe('batch norm without affine', () => {
  it('normalises each channel over batch and space, and its closed-form gradient matches differences', () => {
    const rng = new Rng(4);
    const x = tf.add(tf.mul(randn(rng, [3, 4, 4, 2]), 3), 1);
    const y = batchNormNoAffine(x as tf.Tensor4D);
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    mean.dataSync().forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    variance.dataSync().forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-3));
    for (const r of directionalGradCheck((t) => batchNormNoAffine(t as tf.Tensor4D), x, [], rng, { h: 1e-2 })) expectClose(r, 2e-3, 1e-2);
  });
});
