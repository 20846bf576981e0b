import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdFilterGradient } from '../../../src-main/engine/backend/kernels/DepthwiseConv2dNativeBackpropFilter';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, relativeError, runOn, TOLERANCE } from './compare';

type Pad = 'same' | 'valid' | number;
type Shape4 = [number, number, number, number];

/** dW from its definition, in float64: Σ over images and output pixels, taps in the padding skipped. */
function float64FilterGradient(xs: Float32Array, dys: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow, padInfo } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
  const sums = new Float64Array(fh * fw * ch);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let b = 0; b < n; b++) {
        for (let oy = 0; oy < oh; oy++) {
          const y = oy * sh + i * dh - padInfo.top;
          if (y < 0 || y >= h) continue;
          for (let ox = 0; ox < ow; ox++) {
            const col = ox * sw + j * dw - padInfo.left;
            if (col < 0 || col >= w) continue;
            for (let c = 0; c < ch; c++) {
              sums[(i * fw + j) * ch + c] += xs[((b * h + y) * w + col) * ch + c] * dys[((b * oh + oy) * ow + ox) * ch + c];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(sums);
}

interface Case {
  batch: number;
  height: number;
  width: number;
  channels: number;
  k: number;
  stride: number;
  dilation: number;
  pad: Pad;
}

function inputs(c: Case) {
  const xShape: Shape4 = [c.batch, c.height, c.width, c.channels];
  const filterShape: Shape4 = [c.k, c.k, c.channels, 1];
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, c.stride, c.dilation, c.pad, undefined, true);
  const rng = new Rng(c.channels * 1000 + c.k * 100 + c.stride * 10 + c.dilation + c.height);
  const xs = randomValues(rng, tf.util.sizeFromShape(xShape));
  const dys = randomValues(rng, tf.util.sizeFromShape(info.outShape));
  return { xShape, filterShape, info, xs, dys };
}

/** The wasm kernel's dW, after checking the generated SIMD path (not a fallback) takes the case. */
async function wasmGradient(c: Case): Promise<Float32Array> {
  const { xShape, filterShape, info, xs, dys } = inputs(c);
  const [dw] = await runOn('wasm', () => {
    const x = tf.tensor4d(xs, xShape);
    const dy = tf.tensor4d(dys, info.outShape);
    const direct = simdFilterGradient(tf.backend() as BackendWasm, x, dy, info);
    expect(direct).not.toBeNull();
    if (direct !== null) tf.engine().disposeTensor(tf.engine().makeTensorFromTensorInfo(direct));
    return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: c.stride, pad: c.pad, dilations: c.dilation, filterShape }) as tf.Tensor;
  });
  return dw;
}

/**
 * The cpu backend's kernel ignores dilation: it runs on the dense filter (zeros between taps,
 * dilation 1), whose gradient sampled at the taps is the dilated one.
 */
async function cpuGradient(c: Case): Promise<Float32Array> {
  const { xShape, info, xs, dys } = inputs(c);
  const dense = (c.k - 1) * c.dilation + 1;
  const denseShape: Shape4 = [dense, dense, c.channels, 1];
  const [dw] = await runOn('cpu', () => {
    const x = tf.tensor4d(xs, xShape);
    const dy = tf.tensor4d(dys, info.outShape);
    const full = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: c.stride, pad: c.pad, dilations: 1, filterShape: denseShape }) as tf.Tensor4D;
    return tf.stridedSlice(full, [0, 0, 0, 0], denseShape, [c.dilation, c.dilation, 1, 1]);
  });
  await tf.setBackend('wasm');
  return dw;
}

const grid: Case[] = [];
for (const channels of [4, 8, 12, 16, 32]) {
  for (const k of [3, 5]) {
    for (const dilation of [1, 2]) {
      for (const stride of [1, 2]) {
        for (const pad of ['same', 'valid', 1] as Pad[]) {
          const small = (k - 1) * dilation + 1 <= 7;
          grid.push({ batch: channels === 8 ? 2 : 1, height: small ? 7 : 11, width: small ? 9 : 13, channels, k, stride, dilation, pad });
        }
      }
    }
  }
}
const label = (c: Case) => `C${c.channels} ${c.k}x${c.k} d${c.dilation} s${c.stride} pad ${c.pad} on ${c.batch}x${c.height}x${c.width}`;

describe('generated SIMD depthwise filter gradient', () => {
  beforeAll(initBackends);

  it('sums a hand-worked case: x = c + 1 everywhere, dy = 1, 3×3 same on 3×3 gives (c + 1) × the valid pixels per tap', async () => {
    const channels = 4;
    const [dw] = await runOn('wasm', () => {
      const x = tf.mul(tf.ones([1, 3, 3, channels]), tf.range(1, channels + 1)) as tf.Tensor4D;
      const dy = tf.ones([1, 3, 3, channels]) as tf.Tensor4D;
      return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, channels, 1] }) as tf.Tensor;
    });
    const pixels = [4, 6, 4, 6, 9, 6, 4, 6, 4];
    expect(Array.from(dw)).toEqual(pixels.flatMap((p) => [1, 2, 3, 4].map((c) => c * p)));
  });

  it.each(grid.map((c) => [label(c), c] as const))('%s matches cpu and a float64 reference', async (_, c) => {
    const ours = await wasmGradient(c);
    const { xs, dys, info } = inputs(c);
    expect(relativeError(ours, await cpuGradient(c))).toBeLessThan(TOLERANCE);
    expect(relativeError(ours, float64FilterGradient(xs, dys, info))).toBeLessThan(1e-5);
  });

  it.each([
    // Long rows: interior segments of 43 and 30 columns.
    { batch: 2, height: 5, width: 45, channels: 8, k: 3, stride: 1, dilation: 1, pad: 'same' },
    { batch: 1, height: 6, width: 74, channels: 4, k: 5, stride: 2, dilation: 2, pad: 'same' },
    // The widest filter the registers take (7 taps × 1 vector).
    { batch: 1, height: 9, width: 11, channels: 8, k: 7, stride: 1, dilation: 1, pad: 'same' },
    // More rows than one float32 block holds: output rows split into blocks.
    { batch: 2, height: 30, width: 45, channels: 4, k: 3, stride: 1, dilation: 2, pad: 2 },
  ] as Case[])('wide, tall and wide-filter cases ($height×$width, k $k, s $stride, d $dilation) match the float64 reference', async (c) => {
    const { xs, dys, info } = inputs(c);
    expect(relativeError(await wasmGradient(c), float64FilterGradient(xs, dys, info))).toBeLessThan(1e-5);
  });

  it('keeps float32 blocks accurate on the reference step\'s largest sums (batch 32 at 28×28: 25 088 products per weight)', async () => {
    const c: Case = { batch: 32, height: 28, width: 28, channels: 8, k: 5, stride: 1, dilation: 1, pad: 'same' };
    const { xs, dys, info } = inputs(c);
    const ours = await wasmGradient(c);
    expect(relativeError(ours, float64FilterGradient(xs, dys, info))).toBeLessThan(1e-6);
    expect(relativeError(ours, await cpuGradient(c))).toBeLessThan(TOLERANCE);
  });

  it('leaves filters too wide for the registers (9 taps) to the other paths, still correct', async () => {
    const c: Case = { batch: 1, height: 15, width: 15, channels: 4, k: 9, stride: 1, dilation: 1, pad: 'same' };
    const { xShape, filterShape, info, xs, dys } = inputs(c);
    const [dw] = await runOn('wasm', () => {
      const x = tf.tensor4d(xs, xShape);
      const dy = tf.tensor4d(dys, info.outShape);
      expect(simdFilterGradient(tf.backend() as BackendWasm, x, dy, info)).toBeNull();
      return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { strides: 1, pad: 'same', dilations: 1, filterShape }) as tf.Tensor;
    });
    expect(relativeError(dw, float64FilterGradient(xs, dys, info))).toBeLessThan(1e-5);
  });
});
