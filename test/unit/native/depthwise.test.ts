import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { depthwise, windowOf, worstError, type Pad } from './reference';
import { randomInput, Rng, runKernelOn, runNativeDirect, wasmWithNative } from './harness';

const native = await wasmWithNative();
// float32 sums of up to 1024 products of N(0,1) values against float64: rounding grows at most
// linearly, 1024 · 6e-8 ≈ 6e-5 relative; a wrong tap or offset gives errors of order 1.
const TOL = 1e-4;

interface Case { shape: [number, number, number, number]; k: number; stride: number; dilation: number; pad: Pad }

// C = 4 runs the plain loops; multiples of 8 the AVX2 path (channel blocks of 8, rows of blocks of
// 8–10 output pixels plus single ones, borders apart): maps from 7 (a 5×5 dilated window has no
// interior pixel) to 22 (several pixel blocks), batch 1. The last padding puts more zeros on the
// left than the window spans, so the stride-1 input gradient runs the forward with negative padding.
function cases(): Case[] {
  const out: Case[] = [];
  const shapes: Case['shape'][] = [[2, 8, 8, 4], [2, 7, 9, 8], [4, 16, 16, 16], [1, 22, 22, 8], [1, 14, 13, 24], [1, 7, 7, 48], [1, 8, 11, 64], [1, 9, 10, 32]];
  for (const shape of shapes)
    for (const k of [3, 5])
      for (const stride of [1, 2])
        for (const dilation of [1, 2])
          for (const pad of ['same', 'valid', [[dilation * (k - 1) / 2, dilation * (k - 1) / 2], [1, 2]], [[0, 1], [dilation * (k - 1) + 1, 0]]] as Pad[]) {
            const span = (k - 1) * dilation + 1;
            if ((pad === 'valid' && span > shape[1]) || (Array.isArray(pad) && span > shape[1] + pad[0][0] + pad[0][1])) continue;
            out.push({ shape, k, stride, dilation, pad });
          }
  return out;
}

const tfPad = (pad: Pad) => (pad === 'same' || pad === 'valid' ? pad : [[0, 0], pad[0], pad[1], [0, 0]]);

describe.skipIf(!native.loaded)(`native depthwise convolution (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it(`forward, input and filter gradients match float64 and the cpu backend on ${threads} thread(s)`, async () => {
      setNativeThreads(threads);
      const rng = new Rng(17 + threads);
      let checked = 0;
      for (const c of cases()) {
        const g = windowOf(c.shape, [c.k, c.k], c.shape[3], [c.stride, c.stride], [c.dilation, c.dilation], c.pad);
        const x = randomInput(rng, c.shape);
        const filter = randomInput(rng, [c.k, c.k, c.shape[3], 1]);
        const dy = randomInput(rng, [g.n, g.oh, g.ow, g.c]);
        const ref = depthwise(g, x.values, filter.values, dy.values);
        const attrs = { strides: [c.stride, c.stride], dilations: [c.dilation, c.dilation], pad: tfPad(c.pad) };
        const label = JSON.stringify(c);
        const fwd = await runKernelOn('wasm', tf.DepthwiseConv2dNative, { x, filter }, attrs);
        const dx = await runKernelOn('wasm', tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: c.shape });
        const df = await runKernelOn('wasm', tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape });
        expect(worstError(fwd, ref.out), label).toBeLessThan(TOL);
        // The registered forward hands undilated ≤3×3 windows outside the AVX2 path to XNNPACK.
        expect(worstError(await runNativeDirect(tf.DepthwiseConv2dNative, { x, filter }, attrs), ref.out), label).toBeLessThan(TOL);
        expect(worstError(dx, ref.dx), label).toBeLessThan(TOL);
        expect(worstError(df, ref.df), label).toBeLessThan(TOL);
        // The cpu kernels give the semantics tfjs's gradients expect. Its forward honours dilation
        // with stride 1 (as the op requires); its gradient kernels ignore dilation (tfjs has no
        // dilated depthwise gradient), so dilated gradients are checked against float64 only.
        if (c.stride === 1 || c.dilation === 1) {
          expect(worstError(fwd, await runKernelOn('cpu', tf.DepthwiseConv2dNative, { x, filter }, attrs)), label).toBeLessThan(TOL);
        }
        if (c.dilation === 1) {
          expect(worstError(dx, await runKernelOn('cpu', tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: c.shape })), label).toBeLessThan(TOL);
          expect(worstError(df, await runKernelOn('cpu', tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape: filter.shape })), label).toBeLessThan(TOL);
        }
        checked++;
      }
      expect(checked).toBeGreaterThan(200);
    });
  }

  it('hands a channel multiplier above 1 to the kernel it replaced', async () => {
    const rng = new Rng(5);
    const x = randomInput(rng, [2, 6, 6, 3]);
    const filter = randomInput(rng, [3, 3, 3, 2]);
    const attrs = { strides: [1, 1], dilations: [1, 1], pad: 'same' };
    const wasm = await runKernelOn('wasm', tf.DepthwiseConv2dNative, { x, filter }, attrs);
    const cpu = await runKernelOn('cpu', tf.DepthwiseConv2dNative, { x, filter }, attrs);
    expect(worstError(wasm, cpu)).toBeLessThan(TOL);
  });
});
