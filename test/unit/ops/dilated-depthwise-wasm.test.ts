import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { registerNativeKernels } from '../../../src-main/engine/backend/native/index';
import { dilatedDepthwiseConv } from '../../../src-main/engine/ops/dilated-depthwise';
import { directionalGradCheck, expectClose, randn } from './gradcheck';

// On wasm the filter gradient is the backend's DepthwiseConv2dNativeBackpropFilter kernel with
// dilation, not the composition the cpu test (primitives.test.ts) covers: check it on its own.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerTrainingKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** Filter gradient of Σ conv(x, f)·r, the wasm way, and the same on the cpu backend's composition. */
async function filterGrads(x: tf.Tensor4D, f: tf.Tensor4D, r: tf.Tensor, dilation: number): Promise<[Float32Array, Float32Array]> {
  const grad = () => tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.mul(dilatedDepthwiseConv(x, w as tf.Tensor4D, dilation), r)))(f).dataSync() as Float32Array);
  const onWasm = grad();
  await tf.setBackend('cpu');
  try {
    return [onWasm, grad()];
  } finally {
    await tf.setBackend('wasm');
  }
}

for (const variant of ['SIMD kernels', 'native kernels'] as const) {
  describe(`dilated depthwise convolution on wasm (${variant})`, () => {
    beforeAll(() => {
      if (variant === 'native kernels') {
        const registration = registerNativeKernels();
        if (!registration.loaded) console.warn(`native variant runs the SIMD kernels: ${registration.reason}`);
      }
    });
    for (const [k, size, dilation, stride] of [[3, 6, 2, 1], [5, 7, 2, 1], [3, 9, 3, 1], [3, 6, 2, 2], [5, 7, 2, 2], [3, 9, 3, 2]] as const) {
      it(`input and filter gradients equal finite differences, k=${k}, size ${size}, dilation ${dilation}, stride ${stride}`, () => {
        const rng = new Rng(20 + k + dilation + 10 * stride);
        const x = randn(rng, [2, size, size, 4]);
        const filter = tf.variable(randn(rng, [k, k, 4, 1]));
        for (const r of directionalGradCheck((t) => dilatedDepthwiseConv(t as tf.Tensor4D, filter as tf.Tensor4D, dilation, stride), x, [filter], rng, { h: 1e-2 })) {
          expectClose(r, 1e-3, 1e-2);
        }
        tf.dispose([x, filter]);
      });
    }
    for (const [size, channels] of [[8, 8], [7, 4]]) {
      it(`stride 2 equals the cpu backend's stride-1 result sampled at even positions, with both gradients (size ${size}, 1e-5 relative)`, async () => {
        const rng = new Rng(40 + size);
        const x = randn(rng, [3, size, size, channels]) as tf.Tensor4D;
        const f = randn(rng, [5, 5, channels, 1]) as tf.Tensor4D;
        const r = randn(rng, [3, Math.ceil(size / 2), Math.ceil(size / 2), channels]);
        const run = () =>
          tf.tidy(() => {
            const { value, grads } = tf.valueAndGrads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(dilatedDepthwiseConv(a as tf.Tensor4D, w as tf.Tensor4D, 2, 2), r)))([x, f]);
            const y = dilatedDepthwiseConv(x, f, 2, 2);
            return [y, value, ...grads].map((t) => t.dataSync() as Float32Array);
          });
        const onWasm = run();
        await tf.setBackend('cpu');
        let onCpu: Float32Array[];
        try {
          onCpu = run();
        } finally {
          await tf.setBackend('wasm');
        }
        onCpu.forEach((expected, part) => {
          expect(onWasm[part].length).toBe(expected.length);
          const scale = Math.max(...expected.map(Math.abs));
          expected.forEach((v, i) => expect(Math.abs(onWasm[part][i] - v)).toBeLessThan(1e-5 * scale));
        });
        tf.dispose([x, f, r]);
      });
    }
    it('filter gradient equals the cpu backend’s composed one (to 1e-4 relative)', async () => {
      const rng = new Rng(7);
      const x = randn(rng, [3, 8, 8, 8]) as tf.Tensor4D;
      const f = randn(rng, [5, 5, 8, 1]) as tf.Tensor4D;
      const r = randn(rng, [3, 8, 8, 8]);
      const [wasm, cpu] = await filterGrads(x, f, r, 2);
      const scale = Math.max(...cpu.map(Math.abs));
      cpu.forEach((v, i) => expect(Math.abs(wasm[i] - v)).toBeLessThan(1e-4 * scale));
      tf.dispose([x, f, r]);
    });
  });
}
