import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../../src-main/engine/backend/kernels/batch-norm-names';
import { batchNormTrainConfig } from '../../../src-main/engine/backend/kernels/BatchNormTrain';
import { batchNormTrainGradConfig } from '../../../src-main/engine/backend/kernels/BatchNormTrainGrad';
import { setNativeThreads } from '../../../src-main/engine/backend/native/index';
import { batchNormNoAffine } from '../../../src-main/engine/ops/primitives';
import { batchNormGradReference, batchNormReference, relativeTo } from '../backend/batchnorm-reference';
import { randomInput, Rng, wasmWithNative } from './harness';

const native = await wasmWithNative();
const TOL = 1e-4;

/** [y, invStd, dx] from a kernel pair called directly (native: the registered one; wasm: ours). */
function runPair(forward: tf.KernelConfig, grad: tf.KernelConfig, x: tf.Tensor, dy: tf.Tensor): Float32Array[] {
  const backend = tf.backend() as BackendWasm;
  const call = (config: tf.KernelConfig, inputs: tf.NamedTensorInfoMap) => config.kernelFunc({ inputs, attrs: {}, backend });
  const [y, invStd] = call(forward, { x }) as tf.TensorInfo[];
  const dx = call(grad, { dy, y, invStd }) as tf.TensorInfo;
  const values = [y, invStd, dx].map((t) => backend.typedArrayFromHeap(t).slice() as Float32Array);
  [y, invStd, dx].forEach((t) => backend.disposeData(t.dataId));
  return values;
}

const shapes: number[][] = [];
for (const c of [1, 3, 8, 24, 32]) shapes.push([1, 2, 3, c], [3, 5, 7, c]);
shapes.push([32, 28, 28, 24], [32, 28, 28, 8], [32, 14, 14, 16], [32, 7, 7, 32]);

describe.skipIf(!native.loaded)(`native fused batch norm (${native.reason})`, () => {
  for (const threads of [1, 2]) {
    it(`forward and gradient match float64 and our wasm kernels on ${threads} thread(s)`, () => {
      setNativeThreads(threads);
      const rng = new Rng(40 + threads);
      const forward = tf.getKernel(BATCH_NORM_TRAIN, 'wasm') as tf.KernelConfig;
      const grad = tf.getKernel(BATCH_NORM_TRAIN_GRAD, 'wasm') as tf.KernelConfig;
      expect(forward.kernelFunc).not.toBe(batchNormTrainConfig.kernelFunc);
      for (const shape of shapes) {
        const xIn = randomInput(rng, shape);
        xIn.values.forEach((v, i) => (xIn.values[i] = 3 + 2 * v));
        const dyIn = randomInput(rng, shape);
        const channels = shape[3];
        const x = tf.tensor(xIn.values, shape);
        const dy = tf.tensor(dyIn.values, shape);
        const [y, invStd, dx] = runPair(forward, grad, x, dy);
        const [wasmY, wasmInv, wasmDx] = runPair(batchNormTrainConfig, batchNormTrainGradConfig, x, dy);
        tf.dispose([x, dy]);
        const reference = batchNormReference(xIn.values, channels);
        const label = `[${shape}]`;
        expect(relativeTo(y, reference.y), label).toBeLessThan(TOL);
        expect(relativeTo(invStd, reference.invStd), label).toBeLessThan(TOL);
        expect(relativeTo(dx, batchNormGradReference(xIn.values, dyIn.values, channels)), label).toBeLessThan(TOL);
        expect(relativeTo(y, wasmY), label).toBeLessThan(TOL);
        expect(relativeTo(invStd, wasmInv), label).toBeLessThan(TOL);
        expect(relativeTo(dx, wasmDx), label).toBeLessThan(TOL);
      }
    });
  }

  it('serves batchNormNoAffine and its gradient without leaking tensors', () => {
    setNativeThreads(2);
    const rng = new Rng(5);
    const shape = [4, 6, 6, 8];
    const xIn = randomInput(rng, shape);
    const w = randomInput(rng, shape);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xIn.values, shape as [number, number, number, number]);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(batchNormNoAffine(v as tf.Tensor4D), tf.tensor(w.values, shape))))(x);
      });
    const first = run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run().dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(relativeTo(first.dataSync(), batchNormGradReference(xIn.values, w.values, 8))).toBeLessThan(TOL);
    first.dispose();
  });

  it('refuses mismatched gradient inputs with a message that says what belongs together', () => {
    tf.tidy(() => {
      const dy = tf.ones([2, 3, 3, 8]);
      expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, y: dy, invStd: tf.ones([1, 1, 1, 5]) })).toThrow(/do not belong together/);
    });
  });
});
