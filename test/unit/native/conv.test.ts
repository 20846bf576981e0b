import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { conv, windowOf, worstError, type Pad } from './reference';
import { randomInput, Rng, runKernelOn, runNativeDirect, wasmWithNative } from './harness';

const native = await wasmWithNative();
// Sums of up to 4·8·8 = 256 (filter gradient: 1024) float32 products: see depthwise.test.ts.
const TOL = 1e-4;

interface Case { shape: [number, number, number, number]; co: number; k: number; stride: number; dilation: number; pad: Pad }

// Unpadded 1×1 gradients with channels % 8 == 0 take the AVX2 register tiles: tiles of 1–4 vectors
// of 8 channels (c or co = 8, 16, 24, 32, 48, 64), rows of 3–8 pixels plus single ones, stride 2 on
// odd sizes; the other cases (c = 4, k = 3, padding) run the plain loops.
function cases(): Case[] {
  const out: Case[] = [];
  const shapes: Array<[Case['shape'], number]> = [[[2, 8, 8, 4], 8], [[2, 7, 9, 8], 16], [[4, 16, 16, 16], 16]];
  for (const [shape, co] of shapes)
    for (const k of [1, 3])
      for (const stride of [1, 2])
        for (const dilation of [1, 2])
          for (const pad of ['same', 'valid', [[1, 1], [0, 2]]] as Pad[]) out.push({ shape, co, k, stride, dilation, pad });
  const pointwise: Array<[Case['shape'], number]> = [[[1, 6, 5, 24], 48], [[2, 5, 7, 64], 32], [[1, 9, 9, 32], 8]];
  for (const [shape, co] of pointwise)
    for (const stride of [1, 2])
      for (const pad of ['same', 'valid', [[0, 1], [1, 0]]] as Pad[]) out.push({ shape, co, k: 1, stride, dilation: 1, pad });
  return out;
}

const tfPad = (pad: Pad) => (pad === 'same' || pad === 'valid' ? pad : [[0, 0], pad[0], pad[1], [0, 0]]);

describe.skipIf(!native.loaded)(`native conv2d (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it(`forward, input and filter gradients match float64 and the cpu backend on ${threads} thread(s)`, async () => {
      setNativeThreads(threads);
      const rng = new Rng(31 + threads);
      for (const c of cases()) {
        const g = windowOf(c.shape, [c.k, c.k], c.co, [c.stride, c.stride], [c.dilation, c.dilation], c.pad);
        const x = randomInput(rng, c.shape);
        const filter = randomInput(rng, [c.k, c.k, c.shape[3], c.co]);
        const dy = randomInput(rng, [g.n, g.oh, g.ow, c.co]);
        const ref = conv(g, x.values, filter.values, dy.values);
        const label = JSON.stringify(c);
        const attrs = { strides: [c.stride, c.stride], dilations: [c.dilation, c.dilation], pad: tfPad(c.pad), dataFormat: 'NHWC' };
        const fwd = await runKernelOn('wasm', tf.Conv2D, { x, filter }, attrs);
        expect(worstError(fwd, ref.out), label).toBeLessThan(TOL);
        // The registered forward hands all but unpadded 1×1 convolutions to XNNPACK.
        expect(worstError(await runNativeDirect(tf.Conv2D, { x, filter }, attrs), ref.out), label).toBeLessThan(TOL);
        expect(worstError(fwd, await runKernelOn('cpu', tf.Conv2D, { x, filter }, attrs)), label).toBeLessThan(TOL);
        // tfjs's conv2d gradients take no dilation.
        if (c.dilation !== 1) continue;
        const dx = await runKernelOn('wasm', tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: c.shape });
        const df = await runKernelOn('wasm', tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape });
        expect(worstError(dx, ref.dx), label).toBeLessThan(TOL);
        expect(worstError(df, ref.df), label).toBeLessThan(TOL);
        expect(worstError(dx, await runKernelOn('cpu', tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: c.shape })), label).toBeLessThan(TOL);
        expect(worstError(df, await runKernelOn('cpu', tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape })), label).toBeLessThan(TOL);
      }
    });
  }

  it('gives tf.grad of a conv2d the cpu backend\'s gradients, without leaking tensors', async () => {
    const rng = new Rng(9);
    const x = randomInput(rng, [2, 8, 8, 4]);
    const f = randomInput(rng, [3, 3, 4, 8]);
    const gradsOn = async (backend: string) => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const [gx, gf] = tf.tidy(() => {
        const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
        return tf.grads(loss)([tf.tensor4d(x.values, x.shape as [number, number, number, number]), tf.tensor4d(f.values, f.shape as [number, number, number, number])]);
      });
      const values = [gx.dataSync(), gf.dataSync()];
      tf.dispose([gx, gf]);
      expect(tf.memory().numTensors).toBe(before);
      return values;
    };
    const [cpuX, cpuF] = await gradsOn('cpu');
    const [wasmX, wasmF] = await gradsOn('wasm');
    expect(worstError(wasmX, cpuX)).toBeLessThan(TOL);
    expect(worstError(wasmF, cpuF)).toBeLessThan(TOL);
  });
});
