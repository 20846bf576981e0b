import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { depthwiseConv2dNativeConfig } from '../../../src-main/engine/backend/kernels/DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropInputConfig } from '../../../src-main/engine/backend/kernels/DepthwiseConv2dNativeBackpropInput';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import type { NativeAddon } from '../../../src-main/engine/backend/native/addon';
import { depthwiseKernels } from '../../../src-main/engine/backend/native/conv-kernels';
import { registerNativeKernels } from '../../../src-main/engine/backend/native/index';
import { randomInput } from './harness';

// The engine's order (select.ts): our training kernels, then the native ones over them. The native
// MaxPoolGrad hands channel counts divisible by 4 back to our SIMD kernel; both paths must agree
// with the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerTrainingKernels();
  registerNativeKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

async function maxPoolInputGrad(backend: string, x: Float32Array, shape: [number, number, number, number], r: Float32Array, stride: 1 | 2): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const dy = (t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 3, stride, 'same'), tf.tensor(r, [shape[0], Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride), shape[3]])));
    return tf.grad(dy)(tf.tensor4d(x, shape)).dataSync() as Float32Array;
  });
}

describe('MaxPoolGrad with training and native kernels registered', () => {
  for (const channels of [8, 3]) {
    for (const stride of [1, 2] as const) {
      it(`equals the cpu backend's gradient, ${channels} channels, stride ${stride} (to 1e-6)`, async () => {
        const rng = new Rng(channels * 10 + stride);
        const shape: [number, number, number, number] = [2, 7, 6, channels];
        const x = randomInput(rng, shape).values;
        const r = randomInput(rng, [2, Math.ceil(7 / stride), Math.ceil(6 / stride), channels]).values;
        const wasm = await maxPoolInputGrad('wasm', x, shape, r, stride);
        const cpu = await maxPoolInputGrad('cpu', x, shape, r, stride);
        cpu.forEach((v, i) => expect(Math.abs(wasm[i] - v)).toBeLessThan(1e-6));
        expect(cpu.some((v) => v !== 0)).toBe(true);
      });
    }
  }
});

describe('depthwise forward and input gradient under the native kernels', () => {
  // A stand-in addon that only counts: which calls reach native code, which the generated wasm kernels.
  const calls = { forward: 0, input: 0 };
  const countingAddon = {
    depthwiseForward: () => void calls.forward++,
    depthwiseBackpropInput: () => void calls.input++,
  } as unknown as NativeAddon;
  // The engine's order puts these below the native kernels (select.ts): they are what `previous` finds.
  const previous = (name: string) =>
    name === tf.DepthwiseConv2dNative ? depthwiseConv2dNativeConfig : name === tf.DepthwiseConv2dNativeBackpropInput ? depthwiseConv2dNativeBackpropInputConfig : undefined;

  it('hand what the generated SIMD kernels take (multiplier 1, C % 4 = 0) to them, the rest to native code', async () => {
    await tf.setBackend('wasm');
    const kernels = depthwiseKernels(countingAddon, previous);
    const backend = tf.backend();
    const run = (channels: number) => {
      const x = tf.ones([1, 6, 6, channels]);
      const filter = tf.ones([5, 5, channels, 1]);
      const attrs = { strides: 1, pad: 'same', dilations: 1 } as unknown as tf.NamedAttrMap;
      const outs = [
        kernels[tf.DepthwiseConv2dNative]({ inputs: { x, filter }, attrs, backend } as never) as tf.TensorInfo,
        kernels[tf.DepthwiseConv2dNativeBackpropInput]({ inputs: { dy: x, filter }, attrs: { ...attrs, inputShape: [1, 6, 6, channels] }, backend } as never) as tf.TensorInfo,
      ];
      for (const out of outs) backend.disposeData(out.dataId);
      tf.dispose([x, filter]);
    };
    run(8);
    expect(calls).toEqual({ forward: 0, input: 0 });
    run(6);
    expect(calls).toEqual({ forward: 1, input: 1 });
  });

  for (const channels of [8, 6]) {
    it(`give the cpu backend's values through the engine's registration, ${channels} channels (1e-4 relative)`, async () => {
      const rng = new Rng(channels);
      const shape: [number, number, number, number] = [2, 7, 6, channels];
      const x = randomInput(rng, shape).values;
      const w = randomInput(rng, [5, 5, channels, 1]).values;
      const r = randomInput(rng, [2, 4, 3, channels]).values;
      const valueAndGrad = async (backend: string) => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const filter = tf.tensor4d(w, [5, 5, channels, 1]);
          const loss = (t: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(t as tf.Tensor4D, filter, 2, 'same'), tf.tensor(r, [2, 4, 3, channels])));
          const input = tf.tensor4d(x, shape);
          return [...(tf.depthwiseConv2d(input, filter, 2, 'same').dataSync() as Float32Array), ...(tf.grad(loss)(input).dataSync() as Float32Array)];
        });
      };
      const wasm = await valueAndGrad('wasm');
      const cpu = await valueAndGrad('cpu');
      const scale = Math.max(...cpu.map(Math.abs));
      cpu.forEach((v, i) => expect(Math.abs(wasm[i] - v) / scale).toBeLessThan(1e-4));
    });
  }
});
